import { describe, expect, it } from "vitest";
import {
  indexDefinitions,
  lookAlikeOf,
  type MatchableDefinition,
  matchExactly,
  matchField,
} from "./definition-index";

// No timestamps: the hot path's projection of a definition may not carry them.
const def = (key: string, extra: Partial<MatchableDefinition> = {}): MatchableDefinition => ({
  id: `id-${key}`,
  key,
  label: key,
  type: "text",
  aliases: [],
  ...extra,
});

const matched = (definitions: readonly MatchableDefinition[], key: string) => {
  const match = matchField(indexDefinitions(definitions), key);
  return match ? [match.definition.key, match.matchedBy] : undefined;
};

describe("matchField", () => {
  const tenant = [
    def("email", { label: "Email", type: "email" }),
    def("first_name", { label: "First name" }),
    def("last_name", { label: "Last name" }),
    def("company_name", { label: "Nombre de la empresa", aliases: ["razon_social"] }),
    def("phone", { label: "Phone number", type: "phone" }),
    def("lead_score", { label: "Lead score", type: "number" }),
  ];

  it.each([
    ["email", "email", "exact"],
    ["EMAIL", "email", "exact"],
    ["Nombre de la empresa", "company_name", "exact"],
    ["Razón social", "company_name", "alias"],
    ["E-mail", "email", "exact"],
    ["e_mail", "email", "exact"],
    ["firstname", "first_name", "exact"],
    ["LeadScore", "lead_score", "exact"],
    ["leadscore", "lead_score", "exact"],
    ["phonenumber", "phone", "exact"],
    ["razonsocial", "company_name", "alias"],
    ["Email Address", "email", "synonym"],
    ["Surname", "last_name", "synonym"],
    ["Vorname", "first_name", "synonym"],
    ["Company", "company_name", "synonym"],
    ["Teléfono", "phone", "synonym"],
  ])("matches %j to %s (%s)", (key, field, by) => {
    expect(matched(tenant, key)).toEqual([field, by]);
  });

  it.each(["email_verified", "first_seen", "last_login", "company_size", "phone_verified", "score", "name"])(
    "matches nothing for %j",
    (key) => {
      expect(matched(tenant, key)).toBeUndefined();
    },
  );

  it("lets a definition's key win over another's label, and a label over another's alias", () => {
    const definitions = [
      def("vip", { label: "status" }),
      def("status", { label: "State" }),
      def("tier", { aliases: ["vip", "state"] }),
    ];
    expect(matched(definitions, "status")).toEqual(["status", "exact"]);
    expect(matched(definitions, "vip")).toEqual(["vip", "exact"]);
    expect(matched(definitions, "State")).toEqual(["status", "exact"]);
  });

  it("matches a compact form only when one definition owns it", () => {
    const definitions = [def("e_mail"), def("email_"), def("work_email", { aliases: ["workmail"] })];
    // `e_mail` and `email_` (canonical `email`) share the compact form `email`.
    expect(matched(definitions, "e_mail")).toEqual(["e_mail", "exact"]);
    expect(matched(definitions, "e-mail")).toEqual(["e_mail", "exact"]);
    expect(matched(definitions, "E_Mail_")).toEqual(["e_mail", "exact"]);
    expect(matched(definitions, "eMail")).toEqual(["e_mail", "exact"]);
    expect(matched(definitions, "Email")).toEqual(["email_", "exact"]);
    expect(matched(definitions, "e-m-a-i-l")).toBeUndefined();
    expect(matched(definitions, "workemail")).toEqual(["work_email", "exact"]);
    expect(matched(definitions, "work_mail")).toEqual(["work_email", "alias"]);
  });

  it("matches a synonym only when exactly one definition names its concept", () => {
    const twoEmails = [def("email"), def("contact_email", { label: "Correo electrónico" })];
    expect(matched(twoEmails, "Email Address")).toBeUndefined();
    expect(matched(twoEmails, "contactemail")).toEqual(["contact_email", "exact"]);
    // Through an alias too.
    const aliased = [def("x1", { aliases: ["apellidos"] })];
    expect(matched(aliased, "Surname")).toEqual(["x1", "synonym"]);
  });

  it("lands a mobile number in the only phone field, and in the mobile field when there is one", () => {
    const phoneOnly = [def("phone", { type: "phone" })];
    expect(matched(phoneOnly, "Mobile")).toEqual(["phone", "synonym"]);
    expect(matched(phoneOnly, "WhatsApp")).toEqual(["phone", "synonym"]);
    expect(matched(phoneOnly, "Celular")).toEqual(["phone", "synonym"]);

    const both = [def("phone"), def("mobile_number", { label: "Handy" })];
    expect(matched(both, "Cell phone")).toEqual(["mobile_number", "synonym"]);
    expect(matched(both, "WhatsApp")).toEqual(["mobile_number", "synonym"]);
    expect(matched(both, "Telephone")).toEqual(["phone", "synonym"]);

    // A general phone number is not assumed to be a mobile one.
    expect(matched([def("mobile")], "Telephone")).toBeUndefined();
    // Two mobile fields: ambiguous, and no falling back to the broader concept either.
    expect(matched([def("phone"), def("mobile"), def("cell")], "Handy")).toBeUndefined();
  });

  it("builds the index once per definitions array", () => {
    const definitions = [def("a")];
    expect(indexDefinitions(definitions)).toBe(indexDefinitions(definitions));
    expect(indexDefinitions([...definitions])).not.toBe(indexDefinitions(definitions));
  });

  it("matchExactly is stage 1 alone", () => {
    const index = indexDefinitions(tenant);
    expect(matchExactly(index, "Razón social")?.matchedBy).toBe("alias");
    expect(matchExactly(index, "e_mail")).toBeUndefined();
    expect(matchExactly(index, "Surname")).toBeUndefined();
  });
});

describe("lookAlikeOf", () => {
  const definitions = [def("company_name", { label: "Company name" }), def("email", { aliases: ["correo"] })];

  it.each([
    ["\u0441ompany_name", "company_name"],
    ["\u0421OMPANY NAME", "company_name"],
    ["\u0435mail", "email"],
    ["c\u043err\u0435\u043e", "email"],
  ])("finds the definition %j looks like", (key, field) => {
    expect(lookAlikeOf(indexDefinitions(definitions), key)?.key).toBe(field);
  });

  it.each(["company_size", "emails", "correo2"])("finds none for %j", (key) => {
    expect(lookAlikeOf(indexDefinitions(definitions), key)).toBeUndefined();
  });
});
