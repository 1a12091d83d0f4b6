/**
 * One Workers Analytics Engine data point per request, for dashboards (Postgres is the billing
 * truth; Analytics Engine samples at high volume). Columns, so queries can name them:
 *   index1  tenant id
 *   blob1   operation (`POST /api/public/contact/:aiContactId/update-metadata`)
 *   blob2   status code, as text
 *   blob3   LLM outcome (`ok`, `skipped`, `budget`, `failed`, ...)
 *   blob4   `replay` for an Idempotent-Replayed answer, else empty
 *   double1 requests (1 served, 0 a replay or a refused request that only spent LLM tokens)
 *   double2 fields written   double3 contacts created   double4 LLM calls
 *   double5 prompt tokens    double6 completion tokens  double7 duration in ms (wall clock)
 */
export interface UsagePoint {
  tenantId: string;
  operation: string;
  status: number;
  llmOutcome: string;
  replayed: boolean;
  requests: number;
  fieldsWritten: number;
  contactsCreated: number;
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
}

/** Never awaited and never fails the request: the dataset buffers and sends in the background. */
export function writeUsagePoint(dataset: AnalyticsEngineDataset | undefined, point: UsagePoint): void {
  dataset?.writeDataPoint({
    indexes: [point.tenantId],
    blobs: [point.operation, String(point.status), point.llmOutcome, point.replayed ? "replay" : ""],
    doubles: [
      point.requests,
      point.fieldsWritten,
      point.contactsCreated,
      point.llmCalls,
      point.promptTokens,
      point.completionTokens,
      point.durationMs,
    ],
  });
}
