/**
 * Opaque page cursors: base64url of `<list>:<position>`. Opaque so clients pass them back instead
 * of building them (the position may change form); tagged with their list, so a cursor from
 * another list (a search's given to a history) is refused instead of quietly misread.
 */
export type CursorList = "activity" | "search";

const encode = (text: string): string =>
  btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

function decode(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) {
    return undefined;
  }
  try {
    return atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return undefined;
  }
}

/** What a list's positions look like: a history's sequence number, a search's contact id. */
const POSITION: Record<CursorList, RegExp> = {
  // A positive bigint: at most 19 digits, checked against 2^63 - 1 below.
  activity: /^[1-9][0-9]{0,18}$/,
  search: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};
const MAX_BIGINT = 9223372036854775807n;

export function encodeCursor(list: CursorList, position: string): string {
  return encode(`${list}:${position}`);
}

/**
 * The position a cursor of `list` carries, or undefined when it is not one (malformed, altered,
 * or from another list): the caller answers 400.
 * @example decodeCursor("activity", encodeCursor("activity", "42")) // "42"
 */
export function decodeCursor(list: CursorList, cursor: string): string | undefined {
  const text = decode(cursor);
  if (text === undefined || !text.startsWith(`${list}:`)) {
    return undefined;
  }
  const position = text.slice(list.length + 1);
  if (!POSITION[list].test(position)) {
    return undefined;
  }
  if (list === "activity" && BigInt(position) > MAX_BIGINT) {
    return undefined;
  }
  return position;
}
