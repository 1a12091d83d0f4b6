import phoneMetadata from "libphonenumber-js/metadata.min.json";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { contactFields, hasPhone, identityOf } from "./identity";

describe("identityOf (upsert)", () => {
  it("formats the email and writes the phone in E.164", () => {
    expect(
      identityOf({ email: " mailto:Ada@Example.COM ", phone: "0034 600 00 00 00" }, "", phoneMetadata),
    ).toEqual({
      email: "Ada@example.com",
      phone: "+34600000000",
    });
    expect(identityOf({ phone: "+1 (202) 555-0143" }, "", phoneMetadata)).toEqual({
      email: null,
      phone: "+12025550143",
    });
  });

  it("refuses a request without either, a bad email and a phone without its country", () => {
    expect(() => identityOf({}, "", phoneMetadata)).toThrow(/an email or a phone is required/);
    expect(() => identityOf({ email: "  ", phone: null }, "", phoneMetadata)).toThrow(DomainError);
    expect(() => identityOf({ email: "not-an-email" }, "", phoneMetadata)).toThrow(/^email: Invalid email/);
    expect(() => identityOf({ phone: "600 000 000" }, "", phoneMetadata)).toThrow(
      /^phone: .*\+ and its country code/,
    );
    expect(() => identityOf({ phone: "call me" }, "items[2]", phoneMetadata)).toThrow(
      /^items\[2\]\.phone: Not a phone/,
    );
  });
});

describe("contactFields (POST /contact)", () => {
  it("keeps a national number as sent, since its country is unknown", () => {
    expect(contactFields({ phone: " 600 000 000 " }, phoneMetadata)).toEqual({
      email: null,
      phone: "600 000 000",
    });
  });

  it("refuses text that is no email or no phone number", () => {
    expect(() => contactFields({ email: "ada" }, phoneMetadata)).toThrow(/^email:/);
    expect(() => contactFields({ phone: "ask the front desk" }, phoneMetadata)).toThrow(/^phone:/);
    expect(() => contactFields({ phone: "+34 12" }, phoneMetadata)).toThrow(/^phone: Invalid phone number/);
  });
});

describe("the phone metadata", () => {
  it("is needed only to read a phone, and its absence is our bug, not the caller's", () => {
    expect(hasPhone({ email: "ada@example.com", phone: "  " })).toBe(false);
    expect(hasPhone({ phone: "+34 600 00 00 00" })).toBe(true);
    expect(identityOf({ email: "ada@example.com" })).toEqual({ email: "ada@example.com", phone: null });
    expect(() => identityOf({ phone: "+34 600 00 00 00" })).toThrow(/metadata/);
    expect(() => identityOf({ phone: "+34 600 00 00 00" })).not.toThrow(DomainError);
  });
});
