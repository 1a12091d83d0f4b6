import { Transform } from "node:stream";

/** An API key or a webhook URL token: `cmk_|whk_<tenant, 32 hex>_<secret, 32 letters and digits>`. */
const CREDENTIAL = /\b(cmk|whk)_[0-9a-f]{32}_([A-Za-z0-9]{32})\b/g;

/**
 * The text with every credential cut to its visible prefix (`whk_46h7bobT…`, what `npm run admin --
 * webhook list` shows), so a log line still says which webhook was called but never lets anyone
 * call it. wrangler dev prints each request's path, and a webhook's token is in its path.
 */
export const redactCredentials = (text: string): string =>
  text.replace(CREDENTIAL, (_, kind: string, secret: string) => `${kind}_${secret.slice(0, 8)}…`);

/** A line-by-line redacting pipe (a credential is never split across two writes of a line). */
export function redactingStream(): Transform {
  let partial = "";
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      done(null, lines.map((line) => `${redactCredentials(line)}\n`).join(""));
    },
    flush(done) {
      done(null, redactCredentials(partial));
    },
  });
}
