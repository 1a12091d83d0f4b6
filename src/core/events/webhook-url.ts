/**
 * Which URLs a webhook endpoint may point at (pure: the WHATWG URL parser only, no DNS). Checked when an endpoint is registered and again by
 * the events Worker before every attempt, so an endpoint stored under another policy is never
 * dialled.
 *
 * Production: https only, and never an address inside someone's network: private, loopback,
 * link-local (cloud metadata at 169.254.169.254), CGNAT, multicast and reserved ranges, as IP
 * literals in any spelling (the WHATWG parser turns `0x7f.1` or `2130706433` into `127.0.0.1`
 * before we look), IPv4 inside IPv6 (mapped, compatible, NAT64), and hostnames that obviously
 * name a local machine (`localhost`, `*.local`, `*.internal`, single-label names).
 *
 * What this cannot see: a public hostname whose DNS answer is a private address, or one that
 * changes its answer between our check and the fetch (rebinding). Workers have no resolver API
 * to pin an address, and resolving ourselves (DNS over HTTPS) would still race the fetch's own
 * lookup. What bounds it: Workers' fetch leaves from Cloudflare's edge to the public internet,
 * where no one's private ranges or loopback are routable, and redirects are never followed, so a
 * public URL cannot bounce the request elsewhere.
 *
 * Local config (`LOCAL_ALLOW_LOOPBACK_WEBHOOKS=true`, set by `npm run dev` and the tests only)
 * additionally allows http and https to 127.0.0.0/8, [::1] and localhost; every other rule holds.
 */

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

const MAX_URL_LENGTH = 2048;

/** Suffixes that name machines on a local network or inside a provider, never the internet. */
const LOCAL_SUFFIXES = [
  ".localhost",
  ".local",
  ".localdomain",
  ".internal",
  ".lan",
  ".home.arpa",
  ".intranet",
];

/** [first address as a number, prefix length] */
const BLOCKED_V4: readonly [string, number][] = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

function parseV4(host: string): number | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const inV4Range = (ip: number, [base, bits]: readonly [string, number]): boolean => {
  const start = parseV4(base) ?? 0;
  const size = 2 ** (32 - bits);
  return ip >= start && ip < start + size;
};

const isBlockedV4 = (ip: number): boolean => BLOCKED_V4.some((range) => inV4Range(ip, range));
const isLoopbackV4 = (ip: number): boolean => inV4Range(ip, ["127.0.0.0", 8]);

/** Eight 16-bit groups from the WHATWG serialisation (hex groups, `::` compression, no dotted tail). */
function parseV6(host: string): number[] | undefined {
  if (!host.startsWith("[") || !host.endsWith("]")) {
    return undefined;
  }
  const text = host.slice(1, -1);
  const [head = "", tail] = text.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...Array<number>(fill).fill(0), ...right];
  return all.length === 8 && all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? all : undefined;
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64), if any. */
function embeddedV4(g: number[]): number | undefined {
  const low = (g[6] ?? 0) * 65536 + (g[7] ?? 0);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) {
    return low; // ::ffff:a.b.c.d
  }
  if (zeros(0, 6)) {
    return low; // ::a.b.c.d (and :: and ::1, handled before)
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) {
    return low; // 64:ff9b::a.b.c.d
  }
  return undefined;
}

const isLoopbackV6 = (g: number[]): boolean => g.slice(0, 7).every((x) => x === 0) && g[7] === 1;

function isBlockedV6(g: number[]): boolean {
  const first = g[0] ?? 0;
  if (g.every((x) => x === 0) || isLoopbackV6(g)) {
    return true;
  }
  const v4 = embeddedV4(g);
  if (v4 !== undefined) {
    return isBlockedV4(v4);
  }
  return (
    (first & 0xfe00) === 0xfc00 || // unique local
    (first & 0xffc0) === 0xfe80 || // link-local
    (first & 0xffc0) === 0xfec0 || // site-local (deprecated)
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x2001 && g[1] === 0x0db8) // documentation
  );
}

const isLocalName = (host: string): boolean =>
  host === "localhost" || LOCAL_SUFFIXES.some((s) => host.endsWith(s)) || !host.includes(".");

function isLoopback(host: string): boolean {
  const v4 = parseV4(host);
  if (v4 !== undefined) {
    return isLoopbackV4(v4);
  }
  const v6 = parseV6(host);
  if (v6 !== undefined) {
    return isLoopbackV6(v6);
  }
  return host === "localhost";
}

export function checkWebhookUrl(raw: string, options: { allowLoopback: boolean }): UrlCheck {
  if (raw.length > MAX_URL_LENGTH) {
    return { ok: false, reason: `the URL is longer than ${MAX_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "not an absolute URL" };
  }
  if (url.username !== "" || url.password !== "") {
    // Credentials in the URL would be stored and shown in every listing; the signature is the auth.
    return { ok: false, reason: "the URL must not carry credentials" };
  }
  // A trailing dot is the same name to DNS (`localhost.`).
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (options.allowLoopback && isLoopback(host) && (url.protocol === "http:" || url.protocol === "https:")) {
    return { ok: true, url: url.href };
  }
  if (url.protocol !== "https:") {
    return { ok: false, reason: "the URL must use https" };
  }
  const v4 = parseV4(host);
  const v6 = parseV6(host);
  if (
    (v4 !== undefined && isBlockedV4(v4)) ||
    (v6 !== undefined && isBlockedV6(v6)) ||
    (v4 === undefined && v6 === undefined && isLocalName(host))
  ) {
    return { ok: false, reason: "the URL points at a private, loopback or link-local address" };
  }
  return { ok: true, url: url.href };
}
