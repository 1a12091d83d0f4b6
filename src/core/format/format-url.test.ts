import { describe, expect, it } from "vitest";
import { formatUrl } from "./format-url";

describe("formatUrl", () => {
  it.each([
    ["https://example.com", "https://example.com/"],
    ["https://Example.COM/Path?q=1#top", "https://example.com/Path?q=1#top"],
    ["HTTP://example.com:80/a/../b", "http://example.com/b"],
    ["http://localhost:8787/x", "http://localhost:8787/x"],
    ["https://192.168.0.1/", "https://192.168.0.1/"],
    ["  https://example.com/a  ", "https://example.com/a"],
    // A bare domain is given https://.
    ["example.com/path", "https://example.com/path"],
    ["www.example.com", "https://www.example.com/"],
    ["example.com:8080/x", "https://example.com:8080/x"],
    ["//example.com/x", "https://example.com/x"],
    ["münchen.de", "https://xn--mnchen-3ya.de/"],
  ])("formats %j as %j", (input, expected) => {
    expect(formatUrl(input)).toEqual({ value: expected });
  });

  it.each([
    ["javascript:alert(1)", /^Unsupported URL: .* not javascript:/],
    ["ftp://example.com/file", /^Unsupported URL: .* not ftp:/],
    ["mailto:ana@example.com", /^Unsupported URL/],
    ["data:text/html,hi", /^Unsupported URL/],
    ["http://", /^Not a URL/],
    ["https://exa mple.com", /^Not a URL/],
    ["see example.com", /^Not a URL/],
    ["hello", /^Not a URL/],
    ["1.5", /^Not a URL/],
    ["ana@example.com", /^Not a URL/],
    ["localhost:3000", /^Not a URL/],
    ["", /^Not a URL/],
  ])("flags %j, kept as sent", (input, reason) => {
    const result = formatUrl(input);
    expect(result.value).toBe(input);
    expect(result.warning).toMatch(reason);
  });
});
