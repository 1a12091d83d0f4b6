import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { readBody } from "./node-http";

export type FakeLlmResponse =
  /**
   * A normal chat completion whose message content is this text. Its `usage` is these token counts
   * when given (so a test knows a call's exact spend), else estimated from the lengths.
   */
  | { kind: "content"; content: string; usage?: FakeUsage }
  /** An HTTP error; without `body`, an OpenAI-shaped `{ error: { message, type, param, code } }`. */
  | { kind: "status"; status: number; body?: string }
  /** Never answer, until the client gives up or the server stops. */
  | { kind: "hang" }
  /** A 200 whose body is this text as is (declared `application/json`, so non-JSON fails to parse). */
  | { kind: "garbage"; body: string };

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

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
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + '/v1', for `new OpenAI({ baseURL })` */
  baseURL: string;
  /** Every recorded chat completion call, oldest first; only the ones routed to `token` when given. */
  calls(token?: string): FakeLlmCall[];
  /** Forgets all scripts and calls and restores the starting latency. */
  reset(): void;
  setLatency(ms: number): void;
  /** Replaces the queue for `token`; its last response repeats for every later call. */
  script(token: string, responses: FakeLlmResponse[]): void;
  stop(): Promise<void>;
}

type Reply = { status: number; contentType: string; body: string; headers?: Record<string, string> };

type ChatRequest = { model: string; stream: boolean; includeUsage: boolean };

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

/** Characters of content per streamed delta chunk. */
const STREAM_CHUNK = 16;

/**
 * A local stand-in for the OpenAI API, enough for the official `openai` SDK:
 * `POST /v1/chat/completions` (plain JSON or `stream: true` server-sent events) and `GET /v1/models`.
 * Answers are scripted per token: any scripted token that occurs in the raw request body routes the
 * call to that token's queue. `/__control/*` endpoints do over HTTP what the returned methods do,
 * so another process (e.g. tests inside workerd) can drive it.
 */
export async function startFakeLlm(
  opts: {
    port?: number;
    host?: string;
    latencyMs?: number;
    /** Answers calls that carry no scripted token (or whose script ran out). Default: a 500 saying "no script". */
    respond?: (body: unknown) => FakeLlmResponse | Promise<FakeLlmResponse>;
  } = {},
): Promise<FakeLlm> {
  const respond = opts.respond ?? (() => NO_SCRIPT);
  let latencyMs = checkLatency(opts.latencyMs ?? 0);
  let scripts = new Map<string, FakeLlmResponse[]>();
  let recorded: FakeLlmCall[] = [];
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
    } else if (pathname === "/v1/models" && method === "GET") {
      send(res, json(200, { object: "list", data: [model("fake-llm")] }));
    } else if (pathname.startsWith("/v1/models/") && method === "GET") {
      send(res, json(200, model(decodeURIComponent(pathname.slice("/v1/models/".length)))));
    } else if (pathname === "/__control/script" && method === "POST") {
      const body = parseJson(await readBody(req));
      const token = isRecord(body) ? body.token : undefined;
      const responses =
        isRecord(body) && Array.isArray(body.responses) ? body.responses.map(toResponse) : null;
      if (typeof token !== "string" || token === "" || responses === null || responses.includes(null)) {
        send(res, json(400, { error: "Expected { token: non-empty string, responses: FakeLlmResponse[] }" }));
        return;
      }
      script(
        token,
        responses.filter((r) => r !== null),
      );
      send(res, json(200, { token, queued: responses.length }));
    } else if (pathname === "/__control/calls" && method === "GET") {
      const list = calls(searchParams.get("token") ?? undefined);
      send(res, json(200, { count: list.length, calls: list }));
    } else if (pathname === "/__control/reset" && method === "POST") {
      reset();
      send(res, json(200, { ok: true }));
    } else if (pathname === "/__control/latency" && method === "POST") {
      const body = parseJson(await readBody(req));
      const ms = isRecord(body) ? body.ms : undefined;
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
        send(res, json(400, { error: "Expected { ms: number >= 0 }" }));
        return;
      }
      setLatency(ms);
      send(res, json(200, { ms }));
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
    const headers = { "x-request-id": `req_fake_${++sequence}` };
    switch (response.kind) {
      case "content": {
        const completion = {
          raw,
          content: response.content,
          model: request.model,
          id: `chatcmpl-fake-${sequence}`,
          tokens: response.usage,
        };
        return request.stream
          ? { status: 200, contentType: "text/event-stream", headers, body: sseBody(completion, request) }
          : {
              status: 200,
              contentType: "application/json",
              headers,
              body: JSON.stringify(chatCompletion(completion)),
            };
      }
      case "status":
        return {
          status: response.status,
          headers,
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
        return request.stream
          ? { status: 200, contentType: "text/event-stream", headers, body: sseEvent(response.body) }
          : { status: 200, contentType: "application/json", headers, body: response.body };
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

  function reset(): void {
    scripts = new Map();
    recorded = [];
    latencyMs = checkLatency(opts.latencyMs ?? 0);
  }

  function setLatency(ms: number): void {
    latencyMs = checkLatency(ms);
  }

  function script(token: string, responses: FakeLlmResponse[]): void {
    if (token === "") {
      throw new Error("fake-llm: a script token must be a non-empty string");
    }
    scripts.set(token, [...responses]);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(opts.host)}:${port}`;

  return {
    port,
    url,
    baseURL: `${url}/v1`,
    calls,
    reset,
    setLatency,
    script,
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

function chatCompletion(c: {
  raw: string;
  content: string;
  model: string;
  id: string;
  tokens?: FakeUsage | undefined;
}): Record<string, unknown> {
  return {
    id: c.id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: c.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: c.content, refusal: null, annotations: [] },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage: usage(c.raw, c.content, c.tokens),
    service_tier: "default",
    system_fingerprint: null,
  };
}

/** The chunks OpenAI streams: a role delta, content deltas, a finish chunk, an optional usage chunk, [DONE]. */
function sseBody(
  c: { raw: string; content: string; model: string; id: string; tokens?: FakeUsage | undefined },
  request: ChatRequest,
): string {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    sseEvent(
      JSON.stringify({
        id: c.id,
        object: "chat.completion.chunk",
        created,
        model: c.model,
        service_tier: "default",
        system_fingerprint: null,
        choices,
        ...(request.includeUsage ? { usage: null } : {}),
        ...extra,
      }),
    );
  const delta = (d: Record<string, unknown>, finishReason: string | null = null) => ({
    index: 0,
    delta: d,
    logprobs: null,
    finish_reason: finishReason,
  });
  const characters = Array.from(c.content);
  const parts: string[] = [chunk([delta({ role: "assistant", content: "", refusal: null })])];
  for (let i = 0; i < characters.length; i += STREAM_CHUNK) {
    parts.push(chunk([delta({ content: characters.slice(i, i + STREAM_CHUNK).join("") })]));
  }
  parts.push(chunk([delta({}, "stop")]));
  if (request.includeUsage) {
    parts.push(chunk([], { usage: usage(c.raw, c.content, c.tokens) }));
  }
  parts.push("data: [DONE]\n\n");
  return parts.join("");
}

function sseEvent(data: string): string {
  return `${data
    .split(/\r?\n/)
    .map((line) => `data: ${line}`)
    .join("\n")}\n\n`;
}

/** The scripted counts, else rough ones: about four characters a token. */
function usage(raw: string, content: string, tokens?: FakeUsage): Record<string, unknown> {
  const prompt = tokens?.prompt_tokens ?? Math.ceil(raw.length / 4);
  const completion = tokens?.completion_tokens ?? Math.ceil(content.length / 4);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function model(id: string): Record<string, unknown> {
  return { id, object: "model", created: 0, owned_by: "fake-llm" };
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
  const streamOptions = body.stream_options;
  return {
    model: body.model,
    stream: body.stream === true,
    includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
  };
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
      const tokens = value.usage;
      if (tokens === undefined) {
        return { kind: "content", content: value.content };
      }
      const count = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 0;
      return isRecord(tokens) && count(tokens.prompt_tokens) && count(tokens.completion_tokens)
        ? {
            kind: "content",
            content: value.content,
            usage: {
              prompt_tokens: tokens.prompt_tokens as number,
              completion_tokens: tokens.completion_tokens as number,
            },
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
  res.writeHead(reply.status, { ...reply.headers, "content-type": reply.contentType });
  res.end(reply.body);
}

function urlHost(host: string | undefined): string {
  if (host === undefined || host === "0.0.0.0" || host === "::") {
    return "127.0.0.1";
  }
  return host.includes(":") ? `[${host}]` : host;
}
