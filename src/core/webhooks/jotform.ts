import { DomainError } from "../errors";
import type { MetadataValue } from "../metadata/metadata-value";
import { parseJsonValue } from "../metadata/parse-json-body";
import type { ParsedSubmission } from "./parse-submission";
import {
  firstText,
  isRecord,
  isUnanswered,
  type MetadataRecord,
  SubmissionBuilder,
  textOf,
} from "./submission-builder";

/**
 * Jotform posts multipart/form-data: `formID`, `submissionID`, `rawRequest` (the answers as a JSON
 * string keyed `q<N>_<fieldName>`) and `pretty` (`Label:Value, Label:Value`)
 * (https://www.jotform.com/help/245-how-to-setup-a-webhook-with-jotform/).
 */
export function isJotform(body: MetadataValue): body is MetadataRecord {
  return (
    isRecord(body) &&
    body.rawRequest !== undefined &&
    (firstText(body.formID) !== undefined || firstText(body.submissionID) !== undefined)
  );
}

const QUESTION_KEY = /^q\d+_(.+)$/;
const NAME_PARTS = ["prefix", "first", "middle", "last", "suffix"];
const ADDRESS_PARTS = ["addr_line1", "addr_line2", "city", "state", "postal", "country"];
// Widget bookkeeping that travels inside answers (a table's ids, an appointment's settings).
const WIDGET_KEYS = new Set(["colIds", "rowIds", "implementation", "timezone", "duration"]);

interface JotformAnswer {
  name: string;
  value: MetadataValue;
  /** How `pretty` shows the value, when known, to find the answer's label there. */
  shown: string | undefined;
}

/** A file URL's last segment as the file name people saw; a malformed escape leaves it as is. */
function fileName(url: string): string {
  const last = url.split("/").pop() ?? url;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

const join = (parts: readonly (string | undefined)[], separator: string): string =>
  parts.filter((p): p is string => p !== undefined && p.trim() !== "").join(separator);

/** Jotform's compound fields as the one value a person would write; other objects are kept whole. */
function answerOf(name: string, raw: MetadataValue): JotformAnswer | undefined {
  if (isUnanswered(raw)) {
    return undefined;
  }
  if (Array.isArray(raw)) {
    const texts = raw.map(textOf);
    // Uploaded files are URLs; `pretty` lists their file names.
    const shown = texts.map((t) => (t?.startsWith("https://") ? fileName(t) : t));
    return { name, value: raw, shown: texts.every((t) => t !== undefined) ? shown.join(" ") : undefined };
  }
  if (!isRecord(raw)) {
    return { name, value: raw, shown: textOf(raw) };
  }
  const part = (key: string): string | undefined => textOf(raw[key]);
  if (NAME_PARTS.some((k) => raw[k] !== undefined) && Object.keys(raw).every((k) => NAME_PARTS.includes(k))) {
    const full = join(NAME_PARTS.map(part), " ");
    return { name, value: full, shown: full };
  }
  if (part("full") !== undefined) {
    return { name, value: part("full") ?? "", shown: part("full") };
  }
  if (part("area") !== undefined && part("phone") !== undefined) {
    return { name, value: join([part("country"), part("area"), part("phone")], " "), shown: undefined };
  }
  if (ADDRESS_PARTS.some((k) => raw[k] !== undefined)) {
    return { name, value: join(ADDRESS_PARTS.map(part), ", "), shown: undefined };
  }
  if (part("year") !== undefined && part("month") !== undefined && part("day") !== undefined) {
    const [y, m, d] = [part("year") ?? "", part("month") ?? "", part("day") ?? ""];
    // ISO is the one date layout no reader misreads; `pretty` uses the form's own layout.
    const iso = /^\d{4}$/.test(y) && /^\d{1,2}$/.test(m) && /^\d{1,2}$/.test(d);
    return {
      name,
      value: iso ? `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}` : join([y, m, d], "-"),
      shown: undefined,
    };
  }
  const content = Object.entries(raw).filter(([k, v]) => !WIDGET_KEYS.has(k) && !isUnanswered(v));
  if (content.length === 0) {
    return undefined;
  }
  if (typeof raw.date === "string") {
    return { name, value: raw.date, shown: undefined };
  }
  return { name, value: Object.fromEntries(content), shown: undefined };
}

/**
 * rawRequest in form order: `q<N>_<name>` answers, plus file uploads, which appear under their bare
 * name (with a `temp_upload.q<N>_<name>` twin). Everything else is Jotform bookkeeping.
 */
function answersOf(raw: MetadataRecord): JotformAnswer[] {
  const uploads = new Set(
    Object.keys(isRecord(raw.temp_upload) ? raw.temp_upload : {}).map((k) => QUESTION_KEY.exec(k)?.[1]),
  );
  return Object.entries(raw).flatMap(([key, value]) => {
    const name = QUESTION_KEY.exec(key)?.[1] ?? (uploads.has(key) ? key : undefined);
    const answer = name === undefined ? undefined : answerOf(name, value);
    return answer === undefined ? [] : [answer];
  });
}

/**
 * Each answer's label from `pretty`. Labels and values may themselves contain ", " and ":", so the
 * string is not split; instead each answer's shown value is looked for, in order, as
 * `:<value>` followed by ", " or the end, and the label is what lies before it. An answer whose
 * shown value is unknown (or not found) gets no label, and the next label is then cut after the
 * last ", " so it does not swallow the unmatched segment.
 */
export function labelsFromPretty(
  pretty: string,
  shown: readonly (string | undefined)[],
): (string | undefined)[] {
  let position = 0;
  let lost = false;
  return shown.map((value) => {
    if (value === undefined || value === "") {
      lost = true;
      return undefined;
    }
    const needle = `:${value}`;
    let at = pretty.indexOf(needle, position);
    while (at !== -1) {
      const end = at + needle.length;
      if (end === pretty.length || pretty.startsWith(", ", end)) {
        break;
      }
      at = pretty.indexOf(needle, at + 1);
    }
    if (at === -1) {
      lost = true;
      return undefined;
    }
    let label = pretty.slice(position, at);
    if (lost) {
      label = label.slice(label.lastIndexOf(", ") + 1);
      lost = false;
    }
    position = at + needle.length + 2;
    return label.trim() || undefined;
  });
}

/** Without a readable rawRequest, `pretty` alone: split naively, since nothing tells where a value ends. */
function fromPrettyOnly(builder: SubmissionBuilder, pretty: string): void {
  for (const segment of pretty.split(", ")) {
    const colon = segment.indexOf(":");
    if (colon > 0) {
      builder.add({ label: segment.slice(0, colon), value: segment.slice(colon + 1) });
    }
  }
}

function rawRequestOf(body: MetadataRecord): MetadataRecord | undefined {
  const raw = body.rawRequest;
  if (isRecord(raw)) {
    return raw;
  }
  const text = firstText(raw);
  if (text === undefined) {
    return undefined;
  }
  try {
    const parsed = parseJsonValue(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch (err) {
    if (err instanceof DomainError) {
      return undefined;
    }
    throw err;
  }
}

export function parseJotform(body: MetadataRecord): ParsedSubmission {
  const builder = new SubmissionBuilder("jotform");
  const pretty = firstText(body.pretty) ?? "";
  const raw = rawRequestOf(body);
  if (raw === undefined) {
    fromPrettyOnly(builder, pretty);
  } else {
    const answers = answersOf(raw);
    const labels = labelsFromPretty(
      pretty,
      answers.map((a) => a.shown),
    );
    answers.forEach((answer, i) => {
      builder.add({
        label: labels[i],
        fallbackLabel: answer.name,
        value: answer.value,
        names: [answer.name],
      });
    });
  }
  // The submission id names the submission in every delivery of it.
  return builder.build(firstText(body.submissionID));
}
