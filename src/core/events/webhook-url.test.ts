import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "./webhook-url";

const production = (url: string) => checkWebhookUrl(url, { allowLoopback: false });
const local = (url: string) => checkWebhookUrl(url, { allowLoopback: true });

describe("webhook URL policy", () => {
  it.each([
    "https://hooks.example.com/contacts",
    "https://hooks.example.com:8443/a?b=c",
    "https://8.8.8.8/x",
    "https://[2606:4700:4700::1111]/x",
    "https://172.32.0.1/x",
    "https://100.128.0.1/x",
  ])("accepts a public https URL: %s", (url) => {
    expect(production(url)).toEqual({ ok: true, url: new URL(url).href });
  });

  it.each([
    ["http", "http://hooks.example.com/x"],
    ["another scheme", "ftp://hooks.example.com/x"],
    ["loopback", "https://127.0.0.1/x"],
    ["loopback in hex", "https://0x7f.1/x"],
    ["loopback as one number", "https://2130706433/x"],
    ["all of this network", "https://0.0.0.0/x"],
    ["10/8", "https://10.1.2.3/x"],
    ["172.16/12", "https://172.31.255.255/x"],
    ["192.168/16", "https://192.168.0.10/x"],
    ["CGNAT", "https://100.64.0.1/x"],
    ["cloud metadata (link-local)", "https://169.254.169.254/latest"],
    ["multicast", "https://224.0.0.1/x"],
    ["broadcast", "https://255.255.255.255/x"],
    ["IPv6 loopback", "https://[::1]/x"],
    ["IPv6 unspecified", "https://[::]/x"],
    ["IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/x"],
    ["IPv4-mapped private", "https://[::ffff:10.0.0.1]/x"],
    ["NAT64 of a private address", "https://[64:ff9b::192.168.1.1]/x"],
    ["unique local", "https://[fd00::1]/x"],
    ["IPv6 link-local", "https://[fe80::1]/x"],
    ["localhost", "https://localhost/x"],
    ["localhost with a trailing dot", "https://localhost./x"],
    ["a *.localhost name", "https://api.localhost/x"],
    ["mDNS", "https://printer.local/x"],
    ["a provider-internal name", "https://metadata.google.internal/x"],
    ["a single-label name", "https://intranet/x"],
    ["credentials", "https://user:secret@hooks.example.com/x"],
    ["not absolute", "/hooks"],
    ["too long", `https://hooks.example.com/${"a".repeat(2048)}`],
  ])("refuses %s in production", (_, url) => {
    expect(production(url).ok).toBe(false);
  });

  it.each([
    "http://127.0.0.1:9000/hook",
    "http://127.1.2.3/hook",
    "http://localhost:9000/hook",
    "http://[::1]:9000/hook",
    "https://127.0.0.1/hook",
  ])("accepts loopback, http or https, under local config only: %s", (url) => {
    expect(local(url).ok).toBe(true);
    expect(production(url).ok).toBe(false);
  });

  it.each([
    "http://hooks.example.com/x",
    "http://10.0.0.1/x",
    "https://192.168.1.1/x",
    "https://[::ffff:127.0.0.1]/x",
  ])("local config allows loopback only, nothing else: %s", (url) => {
    expect(local(url).ok).toBe(false);
  });
});
