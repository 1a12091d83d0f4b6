/** An unmatched field as stage 2 needs it: plain data, so it can cross an RPC boundary. */
export interface UnmatchedField {
  key: string;
  sourceKey: string;
  value: string | null;
}
