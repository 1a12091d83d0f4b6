import { describe, expect, it } from "vitest";
import { compactKey } from "../fields/field-key";
import {
  broaderConcept,
  type ConceptId,
  conceptOf,
  LEXICON,
  LEXICON_LANGUAGES,
  lexiconEntries,
} from "./lexicon";

describe("the lexicon's data", () => {
  const entries = lexiconEntries();

  it("stores every name in compact form, so each one can be looked up", () => {
    const notCompact = entries.filter((e) => e.name === "" || compactKey(e.name) !== e.name);
    expect(notCompact).toEqual([]);
  });

  it("gives every name exactly one concept", () => {
    const concepts = new Map<string, Set<ConceptId>>();
    for (const { name, concept } of entries) {
      concepts.set(name, (concepts.get(name) ?? new Set()).add(concept));
    }
    const shared = [...concepts].filter(([, c]) => c.size > 1).map(([name, c]) => [name, [...c]]);
    expect(shared).toEqual([]);
  });

  it.each([
    "email",
    "phone",
    "mobile",
    "whatsapp",
    "first_name",
    "last_name",
    "full_name",
    "company",
    "job_title",
    "website",
    "street_address",
    "city",
    "region",
    "postal_code",
    "country",
    "date_of_birth",
    "gender",
    "language",
    "notes",
  ] as const)("names %s in all six languages", (concept) => {
    const languages = new Set(entries.filter((e) => e.concept === concept).map((e) => e.language));
    expect([...languages].sort()).toEqual([...LEXICON_LANGUAGES].sort());
  });

  it("has broader concepts that end (mobile -> phone, WhatsApp -> mobile -> phone)", () => {
    for (const concept of Object.keys(LEXICON) as ConceptId[]) {
      const seen = new Set<ConceptId>();
      for (let c: ConceptId | undefined = concept; c; c = broaderConcept(c)) {
        expect(seen.has(c)).toBe(false);
        seen.add(c);
      }
    }
    expect(broaderConcept("whatsapp")).toBe("mobile");
    expect(broaderConcept("mobile")).toBe("phone");
    expect(broaderConcept("phone")).toBeUndefined();
  });
});

describe("conceptOf", () => {
  it.each([
    ["Email Address", "email"],
    ["E-Mail-Adresse", "email"],
    ["Courriel", "email"],
    ["Correo electrónico", "email"],
    ["Teléfono", "phone"],
    ["Mobile", "mobile"],
    ["Handynummer", "mobile"],
    ["WhatsApp", "whatsapp"],
    ["Vorname", "first_name"],
    ["Prénom", "first_name"],
    ["Surname", "last_name"],
    ["Apellidos", "last_name"],
    ["Cognome", "last_name"],
    ["Sobrenome", "last_name"],
    ["Nom de famille", "last_name"],
    ["Razão social", "company"],
    ["Nome azienda", "company"],
    ["Cargo", "job_title"],
    ["Site web", "website"],
    ["Straße", "street_address"],
    ["Città", "city"],
    ["ZIP code", "postal_code"],
    ["CEP", "postal_code"],
    ["País", "country"],
    ["DOB", "date_of_birth"],
    ["Data di nascita", "date_of_birth"],
    ["Geschlecht", "gender"],
    ["Idioma", "language"],
    ["Observaciones", "notes"],
  ])("%j names %s", (key, concept) => {
    expect(conceptOf(key)).toBe(concept);
  });

  it.each([
    "email_verified",
    "email_opt_out",
    "first_seen",
    "last_login",
    "last_name_changed",
    "website_visits",
    "company_size",
    "phone_verified",
    "city_of_birth",
    "page_url",
    // Ambiguous across languages or forms, so left out on purpose.
    "nombre",
    "nome",
    "nom",
    "title",
    "estado",
    "apelido",
  ])("%j names no concept", (key) => {
    expect(conceptOf(key)).toBeUndefined();
  });
});
