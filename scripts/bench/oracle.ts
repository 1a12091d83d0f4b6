import { z } from "zod";
import type { FakeLlmResponse } from "../local/fake-llm";

/** Just the parts of the Worker's prompt (src/core/matching/llm-prompt.ts) the answer depends on. */
const PromptSchema = z.object({
  definitions: z.array(z.object({ key: z.string() })),
  inputs: z.array(z.object({ key: z.string() })),
});

const ChatBodySchema = z.object({
  messages: z.array(z.object({ role: z.string(), content: z.string() })),
});

/**
 * The fake LLM's answer: each input key goes where the bench planned it (its canonical key ->
 * definition key), everything else to null. A planned definition missing from the prompt also
 * maps to null, so the answer always passes the Worker's schema and a wrong plan shows up as
 * `matched_by: "new"` instead of a rejected answer.
 */
export function planOracle(plan: ReadonlyMap<string, string>): (body: unknown) => FakeLlmResponse {
  return (body) => {
    const chat = ChatBodySchema.safeParse(body);
    const user = chat.success ? chat.data.messages.find((m) => m.role === "user") : undefined;
    const prompt = user ? PromptSchema.safeParse(parseJson(user.content)) : undefined;
    if (!prompt?.success) {
      return { kind: "status", status: 400, body: "bench oracle: not the Worker's mapping prompt" };
    }
    const known = new Set(prompt.data.definitions.map((d) => d.key));
    const mappings = prompt.data.inputs.map((input) => {
      const field = plan.get(input.key);
      return { key: input.key, field: field !== undefined && known.has(field) ? field : null, value: null };
    });
    return { kind: "content", content: JSON.stringify({ mappings, extracted: [] }) };
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
