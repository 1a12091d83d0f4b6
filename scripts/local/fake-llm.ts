import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { readBody } from "./node-http";

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export type FakeLlmResponse =
  /**
   * A normal chat completion whose message content is this text. Its `usage` (what the tenant is
   * billed, issue 15) is these token counts when given, else estimated from the lengths.
   */
  | { kind: "content"; content: string; usage?: FakeUsage }
  /** An HTTP error; without `body`, an OpenAI-shaped `{ error: { message, type, param, code } }`. */
  | { kind: "status"; status: number; body?: string }
  /** Never answer, until the client gives up or the server stops. */
  | { kind: "hang" }
  /** A 200 whose body is this text as is (declared `application/json`, so non-JSON fails to parse). */
  | { kind: "garbage"; body: string };

export interface FakeLlmCall {
  /** The scripted token found in the request body, or null when none matched. */
  token: string | null;
  model: string;
  /** The parsed request JSON. */
  body: unknown;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface FakeLlm {
  /** http://127.0.0.1:PORT, where tests in workerd reach `/__control/*` */
  url: string;
  /** url + '/v1', for `new OpenAI({ baseURL })` */
  baseURL: string;
  /** Every recorded chat completion call, oldest first; only the ones routed to `token` when given. */
  calls(token?: string): FakeLlmCall[];
  /** The delay before each answer from now on (the bench seeds with none, then measures with its own). */
  setLatency(ms: number): void;
  stop(): Promise<void>;
}

type Reply = { status: number; contentType: string; body: string };

type ChatRequest = { model: string };

const NO_SCRIPT: FakeLlmResponse = {
  kind: "status",
  status: 500,
  body: JSON.stringify(
    openAiError(
      "fake-llm: no script for this call (register a token that occurs in the request body)",
      "server_error",
      "no_script",
    ),
  ),
};

/**
 * A local stand-in for the OpenAI API, as much of it as the Worker's `openai` SDK call uses:
 * `POST /v1/chat/completions`, answered with plain JSON (the Worker never streams).
 * Answers are scripted per token: any scripted token that occurs in the raw request body routes the
 * call to that token's queue. Tests inside workerd cannot call the returned methods, so they script
 * and read calls over HTTP: `POST /__control/script` and `GET /__control/calls`.
 */
export async function startFakeLlm(
  opts: {
    latencyMs?: number;
    /** Answers calls that carry no scripted token (or whose script ran out). Default: a 500 saying "no script". */
    respond?: (body: unknown) => FakeLlmResponse | Promise<FakeLlmResponse>;
  } = {},
): Promise<FakeLlm> {
  const respond = opts.respond ?? (() => NO_SCRIPT);
  let latencyMs = checkLatency(opts.latencyMs ?? 0);
  const scripts = new Map<string, FakeLlmResponse[]>();
  const recorded: FakeLlmCall[] = [];
  let sequence = 0;
  const sockets = new Set<Socket>();
  // Aborts pending latency sleeps on stop, so no timer outlives the server.
  const stopping = new AbortController();

  const server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        send(res, json(500, openAiError(errorMessage(error), "server_error", null)));
      } else {
        res.destroy();
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname, searchParams } = new URL(req.url ?? "/", "http://fake-llm");
    const method = req.method ?? "GET";
    if (pathname === "/v1/chat/completions") {
      if (method !== "POST") {
        send(res, json(405, openAiError(`Method ${method} not allowed`, "invalid_request_error", null)));
        return;
      }
      await chatCompletions(req, res);
    } else if (pathname === "/__control/script" && method === "POST") {
      const body = parseJson(await readBody(req));
      const token = isRecord(body) ? body.token : undefined;
      const responses =
        isRecord(body) && Array.isArray(body.responses) ? body.responses.map(toResponse) : null;
      if (typeof token !== "string" || token === "" || responses === null || responses.includes(null)) {
        send(res, json(400, { error: "Expected { token: non-empty string, responses: FakeLlmResponse[] }" }));
        return;
      }
      // The last response repeats for every later call of this token.
      scripts.set(
        token,
        responses.filter((r) => r !== null),
      );
      send(res, json(200, { token, queued: responses.length }));
    } else if (pathname === "/__control/calls" && method === "GET") {
      const list = calls(searchParams.get("token") ?? undefined);
      send(res, json(200, { count: list.length, calls: list }));
    } else {
      send(
        res,
        json(404, openAiError(`Unknown route: ${method} ${pathname}`, "invalid_request_error", null)),
      );
    }
  }

  async function chatCompletions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hasBearerToken(req)) {
      send(
        res,
        json(
          401,
          openAiError(
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            "invalid_request_error",
            null,
          ),
        ),
      );
      return;
    }
    const raw = await readBody(req);
    const body = parseJson(raw);
    const request = toChatRequest(body);
    if (request === null) {
      send(
        res,
        json(
          400,
          openAiError(
            "Expected a JSON object body with a string `model` and a non-empty `messages` array",
            "invalid_request_error",
            null,
          ),
        ),
      );
      return;
    }

    const token = findToken(raw);
    recorded.push({ token, model: request.model, body, at: Date.now() });
    const response = nextScripted(token) ?? (await respond(body));
    if (response.kind === "hang") {
      // Leave the request open; the client's timeout or stop() ends the socket.
      return;
    }
    try {
      await sleep(latencyMs, undefined, { signal: stopping.signal });
    } catch {
      return;
    }
    send(res, answer(response, request, raw));
  }

  function answer(response: FakeLlmResponse, request: ChatRequest, raw: string): Reply {
    switch (response.kind) {
      case "content":
        return {
          status: 200,
          contentType: "application/json",
          body: JSON.stringify(
            chatCompletion({
              content: response.content,
              model: request.model,
              id: `chatcmpl-fake-${++sequence}`,
              usage: response.usage ?? {
                // About four characters a token, as a real tokenizer roughly counts.
                prompt_tokens: Math.ceil(raw.length / 4),
                completion_tokens: Math.ceil(response.content.length / 4),
              },
            }),
          ),
        };
      case "status":
        return {
          status: response.status,
          ...(response.body === undefined
            ? json(
                response.status,
                openAiError(`fake-llm: scripted status ${response.status}`, "server_error", null),
              )
            : {
                contentType: isJson(response.body) ? "application/json" : "text/plain",
                body: response.body,
              }),
        };
      case "garbage":
        return { status: 200, contentType: "application/json", body: response.body };
      case "hang":
        throw new Error("unreachable: hang has no reply");
    }
  }

  function findToken(raw: string): string | null {
    let best: string | null = null;
    for (const token of scripts.keys()) {
      if (best !== null && token.length <= best.length) {
        continue;
      }
      // JSON.stringify escapes quotes, backslashes and control characters inside the body.
      if (raw.includes(token) || raw.includes(JSON.stringify(token).slice(1, -1))) {
        best = token;
      }
    }
    return best;
  }

  function nextScripted(token: string | null): FakeLlmResponse | undefined {
    const queue = token === null ? undefined : scripts.get(token);
    if (queue === undefined || queue.length === 0) {
      return undefined;
    }
    return queue.length > 1 ? queue.shift() : queue[0];
  }

  function calls(token?: string): FakeLlmCall[] {
    return recorded
      .filter((call) => token === undefined || call.token === token)
      .map((call) => ({ ...call }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    calls,
    setLatency: (ms) => {
      latencyMs = checkLatency(ms);
    },
    stop: async () => {
      stopping.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) {
        socket.destroy();
      }
      sockets.clear();
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The fields of a chat completion the SDK reads, `usage` included (the tenant's spend); no logprobs. */
function chatCompletion(c: {
  content: string;
  model: string;
  id: string;
  usage: FakeUsage;
}): Record<string, unknown> {
  return {
    id: c.id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: c.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: c.content, refusal: null },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage: {
      ...c.usage,
      total_tokens: c.usage.prompt_tokens + c.usage.completion_tokens,
    },
  };
}

function openAiError(message: string, type: string, code: string | null): Record<string, unknown> {
  return { error: { message, type, param: null, code } };
}

function toChatRequest(body: unknown): ChatRequest | null {
  if (!isRecord(body) || typeof body.model !== "string" || !Array.isArray(body.messages)) {
    return null;
  }
  if (body.messages.length === 0) {
    return null;
  }
  return { model: body.model };
}

/** Validates a response that arrived over HTTP; null when it is not a FakeLlmResponse. */
function toResponse(value: unknown): FakeLlmResponse | null {
  if (!isRecord(value)) {
    return null;
  }
  switch (value.kind) {
    case "content": {
      if (typeof value.content !== "string") {
        return null;
      }
      if (value.usage === undefined) {
        return { kind: "content", content: value.content };
      }
      const { usage } = value;
      const count = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;
      return isRecord(usage) && count(usage.prompt_tokens) && count(usage.completion_tokens)
        ? {
            kind: "content",
            content: value.content,
            usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens },
          }
        : null;
    }
    case "status": {
      const { status, body } = value;
      if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
        return null;
      }
      if (body === undefined) {
        return { kind: "status", status };
      }
      return typeof body === "string" ? { kind: "status", status, body } : null;
    }
    case "hang":
      return { kind: "hang" };
    case "garbage":
      return typeof value.body === "string" ? { kind: "garbage", body: value.body } : null;
    default:
      return null;
  }
}

function hasBearerToken(req: IncomingMessage): boolean {
  const match = /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? "");
  return (match?.[1]?.trim() ?? "") !== "";
}

function checkLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`fake-llm: latency must be a finite number >= 0, got ${ms}`);
  }
  return ms;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isJson(text: string): boolean {
  return parseJson(text) !== undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function json(status: number, value: unknown): Reply {
  return { status, contentType: "application/json", body: JSON.stringify(value) };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) {
    return;
  }
  res.writeHead(reply.status, { "content-type": reply.contentType });
  res.end(reply.body);
}
