import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor";

describe("page cursors", () => {
  it("carry a position back unchanged, in URL-safe characters", () => {
    const cursor = encodeCursor("activity", "9223372036854775807");
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor("activity", cursor)).toBe("9223372036854775807");
    const id = "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11";
    expect(decodeCursor("search", encodeCursor("search", id))).toBe(id);
  });

  it.each([
    ["not base64url", "%%%"],
    ["empty", ""],
    ["another list's cursor", encodeCursor("search", "3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11")],
    ["a position that is not a sequence number", encodeCursor("activity", "12abc")],
    ["zero", encodeCursor("activity", "0")],
    ["beyond bigint", encodeCursor("activity", "9223372036854775808")],
    ["a bare number", "42"],
    ["padding", `${encodeCursor("activity", "1")}==`],
  ])("refuses %s", (_, cursor) => {
    expect(decodeCursor("activity", cursor)).toBeUndefined();
  });
});
