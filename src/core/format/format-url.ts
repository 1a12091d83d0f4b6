import { type FormatResult, unformatted } from "./format-result";

// "example.com:8080" has a port, not a scheme, hence the digit check.
const SCHEME = /^([a-z][a-z0-9+.-]*):(?!\d)/i;
// The last label of a bare host must look like a real top-level domain, so "1.5" or "hello" is not
// taken for a URL.
const TOP_LEVEL_DOMAIN = /\.(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})\.?$/;

function parse(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * http(s) URLs normalised by the WHATWG parser (lower-case host, punycode, default port and dot
 * segments removed, "/" path when empty). A bare domain ("example.com/path") gets `https://`, the
 * scheme nearly every site serves today; it must end in an alphabetic top-level domain and carry
 * no user name (else it is probably an e-mail address). Other schemes (javascript:, ftp:, mailto:)
 * are refused.
 */
export function formatUrl(value: string): FormatResult {
  const text = value.trim();
  if (text === "" || /\s/.test(text)) {
    return unformatted(value, "Not a URL: it is empty or contains spaces.");
  }
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") {
    return unformatted(value, `Unsupported URL: only http and https URLs are accepted, not ${scheme}:.`);
  }
  const bare = scheme === undefined;
  const url = parse(bare ? `https://${text.replace(/^\/\//, "")}` : text);
  if (url === null || url.hostname === "") {
    return unformatted(value, "Not a URL: expected something like https://example.com/path.");
  }
  if (bare && (url.username !== "" || url.password !== "" || !TOP_LEVEL_DOMAIN.test(url.hostname))) {
    return unformatted(value, "Not a URL: expected something like https://example.com/path.");
  }
  return { value: url.href };
}
