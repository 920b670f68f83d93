import { expect, test } from "./fixtures";
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { hydrated, RELEASE_BINARY, RunningServer, startServer } from "./server";

// The release binary must carry the whole dashboard: copied alone into an empty folder and
// started there, it serves the page, its CSS, JS and WASM, and the page hydrates.
let server: RunningServer;
let folder: string;

test.beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), "hookrelay-alone-"));
  const binary = path.join(folder, "hookrelay");
  copyFileSync(RELEASE_BINARY, binary);
  expect(readdirSync(folder)).toEqual(["hookrelay"]);
  server = await startServer({ binary, cwd: folder, dataDir: null });
});

test.afterAll(async () => {
  await server?.stop();
});

test("the binary alone serves a hydrated, styled login page", async ({ page }) => {
  const assets = new Map<string, number>();
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith("/pkg/")) assets.set(url.pathname, response.status());
  });

  await page.goto(`${server.url}/login`);
  await hydrated(page);

  expect(assets.get("/pkg/hookrelay.css")).toBe(200);
  expect(assets.get("/pkg/hookrelay.js")).toBe(200);
  expect(assets.get("/pkg/hookrelay.wasm")).toBe(200);
  const radius = await page.locator(".auth-card").evaluate((card) => getComputedStyle(card).borderRadius);
  expect(radius).toBe("12px");
  // The default data folder is ./data beside where it was started.
  expect(existsSync(path.join(folder, "data", "hookrelay.db"))).toBe(true);
});

test("the embedded WASM is served with its MIME type and revalidates by ETag", async ({ request }) => {
  const first = await request.get(`${server.url}/pkg/hookrelay.wasm`);
  expect(first.status()).toBe(200);
  expect(first.headers()["content-type"]).toBe("application/wasm");
  const etag = first.headers()["etag"];
  expect(etag).toBeTruthy();

  const again = await request.get(`${server.url}/pkg/hookrelay.wasm`, { headers: { "if-none-match": etag } });
  expect(again.status()).toBe(304);
});
