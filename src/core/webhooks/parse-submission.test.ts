/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { MAX_KEY_LENGTH, toFieldKey } from "../fields/field-key";
import { JsonNumber, type MetadataValue } from "../metadata/metadata-value";
import { parseJsonValue } from "../metadata/parse-json-body";
import { labelsFromPretty } from "./jotform";
import { parseSubmission } from "./parse-submission";

const FIXTURE_DIR = "../../../test/fixtures/webhooks/";
const fixtures = import.meta.glob<string>("../../../test/fixtures/webhooks/*.json", {
  query: "?raw",
  import: "default",
  eager: true,
});

function fixtureText(name: string): string {
  const text = fixtures[`${FIXTURE_DIR}${name}.json`];
  if (text === undefined) {
    throw new Error(`no fixture ${name}`);
  }
  return text;
}

/** A JSON delivery, parsed the way the route parses it (numbers keep their text). */
const jsonFixture = (name: string): MetadataValue => parseJsonValue(fixtureText(name));

/** A form-encoded or multipart delivery: the caller hands over its fields as a plain record. */
function formFixture(name: string): MetadataValue {
  const described = JSON.parse(fixtureText(name)) as {
    contentType: string;
    fields: Record<string, string | string[]>;
  };
  return described.fields;
}

const n = (text: string) => new JsonNumber(text);
const entriesOf = (body: MetadataValue, hints?: Parameters<typeof parseSubmission>[1]) =>
  parseSubmission(body, hints).entries.map(({ sourceKey, value }) => [sourceKey, value]);

describe("parseSubmission: Typeform", () => {
  it("maps each answer to its question title, in form order, with hidden fields after", () => {
    const parsed = parseSubmission(jsonFixture("typeform-form-response"));
    expect(parsed.source).toBe("typeform");
    expect(parsed.eventId).toBe("a3a12ec67a1365927098a606107fac15");
    expect(parsed.contact).toEqual({
      aiContactId: "3f1c2b9e-8d4a-4c1e-9b7f-2a6d5e8c1f00",
      email: "laura@example.com",
      phone: "+34612345678",
    });
    expect(parsed.entries.map((e) => [e.sourceKey, e.value])).toEqual([
      ["What is your first name?", "Laura"],
      [
        "If you're OK with our city management following up if they have further questions, please give us your email address.",
        " Laura@Example.com ",
      ],
      ["And your phone number?", "+34612345678"],
      [
        "Thanks! What's it like where you live? Tell us in a few sentences.",
        "It's cold right now! I live in an older medium-sized city with a university. Geographically, the area is hilly.",
      ],
      ["When did you move to the place where you live?", "2005-10-15"],
      ["Which pictures do you like? You can choose as many as you like.", ["London", "Sydney"]],
      [
        "On a scale of 1 to 5, what rating would you give the weather in Sydney? 1 is poor weather, 5 is excellent weather",
        n("5"),
      ],
      [
        "By submitting this form, you understand and accept that we will share your answers with city management. Your answers will be anonymous will not be shared.",
        true,
      ],
      ["Which of these cities is your favorite?", "London"],
      ["Do you have a favorite city we haven't listed?", false],
      ["How did you hear about us?", "A podcast"],
      ["Your website", "https://laura.example.com"],
      [
        "On a scale of 1 to 5, what rating would you give the general quality of life in Sydney? 1 is poor, 5 is excellent",
        n("4"),
      ],
      ["utm_source", "newsletter"],
    ]);
  });

  it("orders answers by the form definition, not by arrival, and falls back to the ref without a title", () => {
    const body = {
      event_id: "e1",
      event_type: "form_response",
      form_response: {
        token: "t1",
        definition: {
          fields: [
            { id: "a", title: "First" },
            { id: "b", title: "Second" },
          ],
        },
        answers: [
          { type: "text", text: "two", field: { id: "b", type: "short_text" } },
          { type: "text", text: "one", field: { id: "a", type: "short_text" } },
          { type: "text", text: "orphan", field: { id: "c", type: "short_text", ref: "orphan_ref" } },
        ],
      },
    };
    expect(entriesOf(body)).toEqual([
      ["First", "one"],
      ["Second", "two"],
      ["orphan_ref", "orphan"],
    ]);
  });

  it("keeps a partial response apart from the completed one (same token)", () => {
    const body = {
      event_id: "e2",
      event_type: "form_response_partial",
      form_response: { token: "t1", definition: { fields: [] }, answers: [] },
    };
    expect(parseSubmission(body).eventId).toBe("t1:partial");
  });
});

describe("parseSubmission: Tally", () => {
  it("maps option ids to their texts, skips checkbox echoes, calculated and unanswered fields", () => {
    const parsed = parseSubmission(jsonFixture("tally-form-response"));
    expect(parsed.source).toBe("tally");
    expect(parsed.eventId).toBe("a4cb511e-d513-4fa5-baee-b815d718dfd1");
    expect(parsed.contact).toEqual({
      aiContactId: "7d0e5c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6",
      email: "ada@analytical.engine",
      phone: "+44 20 7946 0958",
    });
    expect(parsed.entries.map((e) => [e.sourceKey, e.value])).toEqual([
      ["utm_source", "linkedin"],
      ["Full name", "Ada Lovelace"],
      ["Work email", "ADA@Analytical.Engine"],
      ["Phone number", "+44 20 7946 0958"],
      ["Company size", "11-50"],
      ["Which products interest you?", ["CRM", "Chatbot"]],
      ["Country", "United Kingdom"],
      ["Channels", ["WhatsApp", "Instagram"]],
      ["Monthly budget (EUR)", n("1500.5")],
      ["Preferred start date", "2024-06-01"],
      ["How likely are you to recommend us?", n("9")],
      [
        "Upload a brief",
        ["https://storage.tally.so/private/brief.pdf?id=5mDk9r&accessToken=abc123&signature=def456"],
      ],
    ]);
  });

  it("uses the response id when the event has no id, and the key when a question has no label", () => {
    const body = {
      eventType: "FORM_RESPONSE",
      data: {
        responseId: "r9",
        fields: [{ key: "question_abc", label: "", type: "INPUT_TEXT", value: "x" }],
      },
    };
    const parsed = parseSubmission(body);
    expect(parsed.eventId).toBe("r9");
    expect(parsed.entries).toEqual([{ sourceKey: "question_abc", value: "x" }]);
  });
});

describe("parseSubmission: Jotform", () => {
  it("labels rawRequest answers from pretty, joins compound fields, skips Jotform bookkeeping", () => {
    const parsed = parseSubmission(formFixture("jotform-submission"));
    expect(parsed.source).toBe("jotform");
    expect(parsed.eventId).toBe("5912345678901234567");
    expect(parsed.contact).toEqual({
      aiContactId: "0b6f1d2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f",
      email: "ada@example.com",
      phone: "+34 612 34 56 78",
    });
    expect(parsed.entries.map((e) => [e.sourceKey, e.value])).toEqual([
      ["Full Name", "Ada Lovelace"],
      ["E-mail", "Ada@Example.com"],
      ["Phone Number", "+34 612 34 56 78"],
      ["Company name", "Analytical Engines Ltd"],
      ["Interested in", ["CRM", "Chatbot"]],
      ["Team size", "11-50"],
      // pretty shows the date in the form's layout, so this one is named by its field name.
      ["preferredStart", "2024-06-01"],
      ["How did you hear about us?", "Conference"],
    ]);
  });

  it("finds labels and values that themselves contain ', ' and ':', and file uploads", () => {
    const parsed = parseSubmission(formFixture("jotform-labels-with-commas"));
    expect(parsed.eventId).toBe("6197916587414311452");
    expect(parsed.entries.map((e) => [e.sourceKey, e.value])).toEqual([
      ["Key1 with colon: and comma, end", "Value1 with colon: and comma, end"],
      ["Multiple Choice Question, options:", ["Option; 1", "Option2"]],
      [
        "File Upload with colon : and comma , end",
        [
          "https://www.jotform.com/uploads/kolanuvarun739/243490908500051/6197916587414311452/error%3B%20frontend%2C%20UI.png",
          "https://www.jotform.com/uploads/kolanuvarun739/243490908500051/6197916587414311452/Screenshot_20250331_201054.png",
        ],
      ],
    ]);
  });

  it("falls back to pretty alone when rawRequest is not JSON", () => {
    const body = {
      formID: "1",
      submissionID: "2",
      rawRequest: "{broken",
      pretty: "Name:Ada, E-mail:ada@x.io",
    };
    const parsed = parseSubmission(body);
    expect(parsed.entries).toEqual([
      { sourceKey: "Name", value: "Ada" },
      { sourceKey: "E-mail", value: "ada@x.io" },
    ]);
    expect(parsed.contact).toEqual({ email: "ada@x.io" });
  });

  it("labelsFromPretty resynchronises after an answer it cannot find", () => {
    expect(labelsFromPretty("A:1, Date:06-01-2024, B:2", ["1", undefined, "2"])).toEqual([
      "A",
      undefined,
      "B",
    ]);
    expect(labelsFromPretty("A:1", ["9"])).toEqual([undefined]);
    // ":1" inside "A:10" is not followed by ", " or the end, so it is not taken for the answer.
    expect(labelsFromPretty("A:10, B:1", ["10", "1"])).toEqual(["A", "B"]);
  });
});

describe("parseSubmission: Webflow", () => {
  it("reads v2 form_submission data in order, without the captcha token or empty fields", () => {
    const parsed = parseSubmission(jsonFixture("webflow-form-submission"));
    expect(parsed.source).toBe("webflow");
    expect(parsed.eventId).toBe("6321ca84df3949bfc6752327");
    expect(parsed.contact).toEqual({
      aiContactId: "c2a7e0f4-5b1d-4e3a-9f6c-8d2b1a0e7f35",
      email: "zaphod@heartofgold.ai",
      phone: "15550000000",
    });
    expect(parsed.entries.map((e) => [e.sourceKey, e.value])).toEqual([
      ["First Name", "Zaphod"],
      ["Last Name", "Beeblebrox"],
      ["email", "Zaphod@HeartOfGold.ai"],
      ["Phone Number", n("15550000000")],
      ["Subscribe to newsletter", true],
      ["Message", "Don't panic. Please call me back about the Pro plan."],
    ]);
  });

  it("reads the v1 payload", () => {
    const parsed = parseSubmission(jsonFixture("webflow-v1-form-submission"));
    expect(parsed).toEqual({
      source: "webflow",
      eventId: "6321ca84df3949bfc6752327",
      entries: [
        { sourceKey: "name", value: "Some One" },
        { sourceKey: "email", value: "some.one@home.com" },
      ],
      contact: { email: "some.one@home.com" },
    });
  });
});

describe("parseSubmission: Google Forms (our Apps Script)", () => {
  it("reads answers by title; the collected respondent email wins", () => {
    const parsed = parseSubmission(jsonFixture("google-forms-response"));
    expect(parsed.source).toBe("google_forms");
    expect(parsed.eventId).toBe(
      "ACYDBNhZ2v7Qf1mS3xK9pL0rT4uW6yE8aC5bD7eF9gH1iJ3kL5mN7oP9qR1sT3uV@2024-05-02T10:42:17.512Z",
    );
    expect(parsed.contact).toEqual({
      aiContactId: "5a9d3c1e-7b2f-4e8a-9c6d-1f0e2b3a4c5d",
      email: "grace.hopper@navy.example",
      phone: "+1 (201) 555-0123",
    });
    expect(parsed.entries.map((e) => [e.sourceKey, e.value])).toEqual([
      ["Full name", "Grace Hopper"],
      ["Mobile phone", "+1 (201) 555-0123"],
      ["Which sessions will you attend?", ["Keynote", "Compilers workshop"]],
      ["Dietary requirements", "Vegetarian"],
      ["How many guests?", "2"],
      ["Arrival date", "2024-06-12"],
      ["Rate each track", ["Excellent", "Good", null]],
    ]);
  });
});

describe("parseSubmission: Zapier, Make and unknown senders", () => {
  it("reads a flat Zapier body as sent (nulls and exact numbers included), minus the contact id", () => {
    const parsed = parseSubmission(jsonFixture("zapier-flat"), { userAgent: "Zapier" });
    expect(parsed.source).toBe("zapier");
    expect(parsed.eventId).toBeUndefined();
    expect(parsed.contact).toEqual({
      aiContactId: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
      email: "katherine.johnson@example.org",
      phone: "+1 757 555 0100",
    });
    expect(parsed.entries.map((e) => [e.sourceKey, e.value])).toEqual([
      ["First Name", "Katherine"],
      ["Last Name", "Johnson"],
      ["Email", "katherine.johnson@example.org"],
      ["Phone", "+1 757 555 0100"],
      ["Company Name", "NACA"],
      ["Lead Score", n("95")],
      ["Deal Value", n("12345678901234567890")],
      ["Newsletter Opt In", true],
      ["Tags", "vip,conference-2024"],
      ["Notes", null],
    ]);
  });

  it("is generic without a recognisable user agent", () => {
    expect(parseSubmission(jsonFixture("zapier-flat")).source).toBe("generic");
    expect(parseSubmission(jsonFixture("zapier-flat"), { userAgent: "curl/8.5.0" }).source).toBe("generic");
  });

  it("reads a Make form post; an Idempotency-Key header is the event id", () => {
    const parsed = parseSubmission(formFixture("make-form-encoded"), {
      headers: { "User-Agent": "Make/production", "Idempotency-Key": "scenario-42-run-7" },
    });
    expect(parsed).toEqual({
      source: "make",
      eventId: "scenario-42-run-7",
      entries: [
        { sourceKey: "plan", value: "Pro" },
        { sourceKey: "seats", value: "25" },
        { sourceKey: "interests", value: ["billing", "api"] },
        { sourceKey: "email", value: "dorothy.vaughan@example.org" },
        { sourceKey: "renewal_date", value: "2025-01-31" },
      ],
      contact: { aiContactId: "4b3a2f1e-0d9c-4b8a-9f7e-6d5c4b3a2f1e", email: "dorothy.vaughan@example.org" },
    });
  });

  it("unwraps {metadata} once the contact id beside it is taken out", () => {
    const parsed = parseSubmission(jsonFixture("unknown-shape"));
    expect(parsed).toEqual({
      source: "generic",
      entries: [
        { sourceKey: "companyName", value: "Acme" },
        { sourceKey: "leadScore", value: n("95") },
        { sourceKey: "tags", value: ["a", "b"] },
        { sourceKey: "billing", value: { plan: "pro", seats: n("25") } },
        { sourceKey: "telefono", value: "0034 612 34 56 78" },
        { sourceKey: "correo", value: "Ventas@Acme.example" },
      ],
      contact: {
        aiContactId: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        email: "ventas@acme.example",
        phone: "0034 612 34 56 78",
      },
    });
  });

  it("takes an idempotency_key from the body, but never a plain id or event_id (they may be data)", () => {
    const parsed = parseSubmission({ idempotencyKey: "k1", event_id: "webinar-7", id: "x" });
    expect(parsed.eventId).toBe("k1");
    expect(parsed.entries.map((e) => e.sourceKey)).toEqual(["event_id", "id"]);
  });

  it("refuses a body that is not an object, like the metadata route", () => {
    expect(() => parseSubmission(["a"])).toThrow(DomainError);
    expect(() => parseSubmission("text")).toThrow(/JSON object/);
  });

  it("survives a hostile nesting depth (the pipeline refuses it later with a 400, not a 500)", () => {
    let deep: MetadataValue = "x";
    for (let i = 0; i < 200_000; i++) {
      deep = [deep];
    }
    const body = {
      event_type: "form_response",
      form_response: { token: "t", answers: [], hidden: { deep } },
    };
    expect(parseSubmission(body).entries).toHaveLength(1);
  });

  it("does not take a value that is not an address for the email", () => {
    expect(parseSubmission({ email_opt_in: "yes", phone: "call me" }).contact).toEqual({});
  });
});

describe("labels", () => {
  it("keeps both answers when two questions share a title", () => {
    const body = {
      eventType: "FORM_RESPONSE",
      eventId: "e",
      data: {
        fields: [
          { key: "q1", label: "Name", type: "INPUT_TEXT", value: "Ada" },
          { key: "q2", label: "name", type: "INPUT_TEXT", value: "Lovelace" },
        ],
      },
    };
    expect(entriesOf(body)).toEqual([
      ["Name", "Ada"],
      ["name (2)", "Lovelace"],
    ]);
  });

  it("cuts a title whose key would be too long at a word boundary", () => {
    const title = `${"Please tell us in detail ".repeat(20)}why`;
    const body = { source: "google_forms", responseId: "r", answers: [{ title, response: "because" }] };
    const [entry] = parseSubmission(body).entries;
    expect(entry?.value).toBe("because");
    expect(toFieldKey(entry?.sourceKey ?? "").length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
    expect(title.startsWith(entry?.sourceKey ?? "-")).toBe(true);
  });
});
