import type { FakeLlmResponse } from "./fake-llm";

/**
 * What the fake LLM answers in `npm run dev` when no real LLM is configured: it reads our own
 * prompt (see src/core/matching/llm-prompt.ts) and maps an input to a definition whose words
 * cover the input's, through a few Spanish/English synonyms. Just enough to see the LLM stage
 * work locally; a real model does far better.
 */
const SYNONYMS: Record<string, string> = {
  empresa: "company",
  compania: "company",
  nombre: "name",
  correo: "email",
  telefono: "phone",
  movil: "phone",
  empleados: "employee",
  employees: "employee",
  staff: "employee",
  puntuacion: "score",
  fecha: "date",
};

const words = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2)
    .map((w) => SYNONYMS[w] ?? w);

interface PromptData {
  definitions: { key: string; label: string; type: string }[];
  inputs: { key: string; value: string | null }[];
}

export function demoOracle(body: unknown): FakeLlmResponse {
  const messages = (body as { messages?: { role: string; content: string }[] }).messages ?? [];
  const user = messages.find((m) => m.role === "user")?.content ?? "{}";
  const data = JSON.parse(user) as PromptData;
  const mappings = data.inputs.map((input) => {
    // Every word of the input must belong to the definition: "empleados" -> employee_count, but
    // "company size" is not company_name.
    const inputWords = words(input.key);
    const hit =
      inputWords.length === 0
        ? undefined
        : data.definitions.find((d) => {
            const own = new Set(words(`${d.key} ${d.label}`));
            return inputWords.every((w) => own.has(w));
          });
    // Like a real model asked for a typed value: "about 40" -> "40" for a number field.
    const number = hit?.type === "number" ? (input.value?.match(/\d+/)?.[0] ?? null) : null;
    return { key: input.key, field: hit?.key ?? null, value: number };
  });
  return { kind: "content", content: JSON.stringify({ mappings, extracted: [] }) };
}
