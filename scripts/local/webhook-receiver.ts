// A scripted receiver of Standard Webhooks for tests: each hook (`/hooks/<name>`) verifies the
// signature with the `standardwebhooks` package, a client we did not write, records what came,
// and answers as scripted (503 twice, then 200, say). Runs in Node, beside the workerd tests, so
// the events Worker reaches it over real HTTP on 127.0.0.1.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { readBody } from "./node-http";

/** An HTTP status to answer with, or `hang`: never answer (the sender's timeout ends it). */
export type ScriptedAnswer = number | "hang";

export interface ReceivedWebhook {
  webhookId: string;
  timestamp: string;
  signature: string;
  body: string;
  /** Verified by the package against the hook's secret (signature and 5-minute timestamp window). */
  verified: boolean;
  /** What the receiver answered. */
  answered: ScriptedAnswer;
  receivedAt: number;
}

interface Hook {
  secret: string;
  script: ScriptedAnswer[];
  received: ReceivedWebhook[];
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/**
 * Control API (for tests in workerd, which cannot share memory with this process):
 * `PUT /__control/hooks/<name>` `{"secret", "script"?}` sets a hook up; `GET` of the same path
 * returns `{"received": [...]}`.
 */
export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const hooks = new Map<string, Hook>();
  const hanging = new Set<ServerResponse>();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? "/", "http://receiver");
    const control = pathname.match(/^\/__control\/hooks\/([\w-]+)$/);
    if (control?.[1]) {
      const name = control[1];
      if (req.method === "PUT") {
        const { secret, script = [] } = JSON.parse(await readBody(req)) as {
          secret: string;
          script?: ScriptedAnswer[];
        };
        hooks.set(name, { secret, script, received: hooks.get(name)?.received ?? [] });
        json(res, 204, {});
        return;
      }
      json(res, 200, { received: hooks.get(name)?.received ?? [] });
      return;
    }
    const hookPath = pathname.match(/^\/hooks\/([\w-]+)$/);
    const hook = hookPath?.[1] ? hooks.get(hookPath[1]) : undefined;
    if (req.method !== "POST" || !hook) {
      json(res, 404, { error: "no such hook" });
      return;
    }
    const body = await readBody(req);
    const header = (name: string) => String(req.headers[name] ?? "");
    let verified = true;
    try {
      new Webhook(hook.secret).verify(body, {
        "webhook-id": header("webhook-id"),
        "webhook-timestamp": header("webhook-timestamp"),
        "webhook-signature": header("webhook-signature"),
      });
    } catch {
      verified = false;
    }
    // A bad signature is what a careful receiver refuses, whatever the script says.
    const answered: ScriptedAnswer = verified ? (hook.script.shift() ?? 200) : 401;
    hook.received.push({
      webhookId: header("webhook-id"),
      timestamp: header("webhook-timestamp"),
      signature: header("webhook-signature"),
      body,
      verified,
      answered,
      receivedAt: Date.now(),
    });
    if (answered === "hang") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    json(res, answered, { ok: answered < 300 });
  }

  const server = createServer((req, res) => {
    route(req, res).catch(() => json(res, 500, { error: "receiver failed" }));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    stop: async () => {
      for (const res of hanging) {
        res.destroy();
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
