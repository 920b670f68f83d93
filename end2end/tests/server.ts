// Starts and stops the real Hookrelay release binary for a spec.
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Page } from "@playwright/test";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
// HOOKRELAY_BINARY and SCREENSHOTS_DIR point a run at another build (an earlier commit's, to
// photograph the pages before a change) and keep its photographs apart.
export const RELEASE_BINARY = process.env.HOOKRELAY_BINARY ?? path.join(REPO_ROOT, "target", "release", "hookrelay");
export const SCREENSHOTS = process.env.SCREENSHOTS_DIR ?? path.join(REPO_ROOT, "end2end", "screenshots");

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  binary?: string;
  cwd?: string;
  /** Omit to use a fresh temporary folder; `null` to pass no --data-dir at all. */
  dataDir?: string | null;
  port?: number;
  args?: string[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const dataDir =
    options.dataDir === null
      ? path.join(options.cwd ?? process.cwd(), "data")
      : options.dataDir ?? mkdtempSync(path.join(tmpdir(), "hookrelay-e2e-"));
  const args = ["serve", "--bind", `127.0.0.1:${port}`];
  if (options.dataDir !== null) args.push("--data-dir", dataDir);
  args.push(...(options.args ?? []));
  const child: ChildProcess = spawn(options.binary ?? RELEASE_BINARY, args, {
    cwd: options.cwd ?? REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`hookrelay exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`hookrelay did not become healthy in 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Waits until the WASM bundle has hydrated the page (the app sets body[data-hydrated]). */
export async function hydrated(page: Page): Promise<void> {
  await page.locator("body[data-hydrated=true]").waitFor({ state: "attached" });
}

/** Saves a full-page screenshot, light and dark, for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  // From the top, so that the sticky header is drawn at the top, not where the page was scrolled.
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Without animations: colour transitions would otherwise be caught half-way between themes.
    await page.screenshot({
      path: path.join(SCREENSHOTS, `${name}-${scheme}.png`),
      fullPage: true,
      animations: "disabled",
    });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

export const PASSWORD = "correct horse battery";
