// CPU time of requests in the bench's workerd, from the kernel: the time workerd's threads ran
// (`/proc/<pid>/task/*/schedstat`, in ns), exact and immune to this shared machine's preemption,
// but of the whole process (miniflare's entry worker and simulators, the HTTP stack besides our
// Worker), so the bench takes it for the floor Worker too.
// Not used, and why: workerd reports no CPU time locally (tail events carry `cpuTime: 0`), and a V8
// CPU profile of the isolate through workerd's inspector charges a request's I/O waits to
// JavaScript frames (its "JS time" for a 10-key request equalled the request's wall time, and for
// 1,000 keys it was 9x the whole process's CPU time), so it cannot tell work from waiting.
import { readdir, readFile, readlink } from "node:fs/promises";

/** Listening sockets (inodes) on `port`, from the kernel's tables. */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const cols = line.trim().split(/\s+/);
      const localPort = Number.parseInt(cols[1]?.split(":")[1] ?? "", 16);
      if (cols[3] === "0A" && localPort === port && cols[9] !== undefined) {
        inodes.add(cols[9]);
      }
    }
  }
  return inodes;
}

/**
 * The workerd process of process group `group` that listens on `port`: `wrangler dev` runs two
 * (its own proxy and the one running our Workers), and only the port tells them apart.
 */
export async function findWorkerdPid(group: number, port: number): Promise<number | undefined> {
  const inodes = await listeningInodes(port);
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // `pid (comm) state ppid pgrp ...`; comm may hold spaces, so split after its closing paren.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const pgrp = Number(stat.slice(close + 2).split(" ")[2]);
    if (comm !== "workerd" || pgrp !== group) {
      continue;
    }
    for (const fd of await readdir(`/proc/${entry}/fd`).catch(() => [] as string[])) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) {
        return Number(entry);
      }
    }
  }
  return undefined;
}

/** Time all threads of `pid` have spent on a CPU, in ms (ns resolution). */
export async function processCpuMs(pid: number): Promise<number> {
  let ns = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const schedstat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => "0");
    ns += Number(schedstat.split(" ")[0] ?? 0);
  }
  return ns / 1e6;
}
