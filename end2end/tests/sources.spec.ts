import { expect, test } from "./fixtures";
import { open, registerAndSaveSession, sessionFile } from "./dashboard";
import { RunningServer, screenshot, startServer } from "./server";

test.describe.configure({ mode: "serial" });

const session = sessionFile("sources");
let server: RunningServer;
let sourceUrl = "";
let token = "";

test.use({ storageState: session });

test.beforeAll(async ({ browser }) => {
  server = await startServer();
  await registerAndSaveSession(browser, server, "sources", session);
});

test.afterAll(async () => {
  await server?.stop();
});

test("no sources yet: the page explains them; a bad rule is refused naming the field", async ({ page }) => {
  await open(page, `${server.url}/sources`);
  await expect(page).toHaveTitle("Sources · Hookrelay");
  await expect(page.getByRole("heading", { name: "No sources yet" })).toBeVisible();
  await screenshot(page, "sources-empty");

  await page.getByLabel("Name", { exact: true }).fill("GitHub");
  await page.getByLabel("Event type", { exact: true }).selectOption("header");
  await expect(page.getByLabel("Header name")).toBeVisible();
  await page.getByLabel("Header name").fill("Bad Header");
  await page.getByRole("button", { name: "Create source" }).click();
  await expect(page.getByLabel("Header name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#source-rule-value-error")).toContainText("Name a request header");
  await screenshot(page, "sources-error");
  await expect(page.getByRole("heading", { name: "No sources yet" })).toBeVisible();
});

test("create a source: its address and token are shown once, with a curl command", async ({ page }) => {
  await open(page, `${server.url}/sources`);
  await page.getByLabel("Name", { exact: true }).fill("GitHub");
  await page.getByLabel("Event type", { exact: true }).selectOption("header");
  await page.getByLabel("Header name").fill("X-GitHub-Event");
  await page.getByLabel("Sender's signature").selectOption("github");
  await page.getByLabel("Sender's signing secret").fill("It's a Secret to Everybody");
  await page.getByRole("button", { name: "Create source" }).click();

  const box = page.getByRole("region", { name: "Your new source “GitHub”" });
  await expect(box).toContainText("The token will not be shown again.");
  sourceUrl = await box.getByRole("textbox", { name: "Address" }).inputValue();
  expect(sourceUrl).toBe(`${server.url}/_webhooks/github`);
  token = await box.getByRole("textbox", { name: "Token" }).inputValue();
  expect(token).toMatch(/^hrs_[A-Za-z0-9_-]{43}$/);
  await expect(box.locator("pre")).toContainText(`Authorization: Bearer ${token}`);
  await expect(box.locator("pre")).toContainText("X-GitHub-Event: example");

  const row = page.getByRole("row", { name: /GitHub/ });
  await expect(row).toContainText("github.<X-GitHub-Event header>");
  await expect(row).toContainText("GitHub");
  await screenshot(page, "source-created");
  await box.getByRole("button", { name: "I have copied it" }).click();
  await expect(box).toHaveCount(0);
});

test("the source page lists requests as they arrive, refusals with their reason", async ({ page, request }) => {
  await open(page, `${server.url}/sources`);
  await page.getByRole("link", { name: "GitHub" }).click();
  await expect(page.getByRole("heading", { name: "GitHub", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No requests yet" })).toBeVisible();
  await expect(page.locator(".live-indicator")).toContainText("Live");

  // A request with the right token but no signature is refused; the page shows why, live.
  const refused = await request.post(sourceUrl, {
    headers: { Authorization: `Bearer ${token}`, "X-GitHub-Event": "push" },
    data: { ref: "main" },
  });
  expect(refused.status()).toBe(401);
  const table = page.getByRole("table", { name: "Recent requests" });
  await expect(table).toContainText("401 Refused");
  await expect(table).toContainText("X-Hub-Signature-256 header is missing");

  const body = JSON.stringify({ ref: "main" });
  const { createHmac } = await import("node:crypto");
  const signature = createHmac("sha256", "It's a Secret to Everybody").update(body).digest("hex");
  const accepted = await request.post(sourceUrl, {
    headers: {
      Authorization: `Bearer ${token}`,
      "X-GitHub-Event": "push",
      "X-Hub-Signature-256": `sha256=${signature}`,
      "Content-Type": "application/json",
    },
    data: body,
  });
  expect(accepted.status()).toBe(202);
  const { event_id } = await accepted.json();
  await expect(table).toContainText("202 Published");
  await screenshot(page, "source-detail");

  await table.getByRole("link", { name: event_id }).click();
  await expect(page.getByRole("heading", { name: "github.push", level: 1 })).toBeVisible();
});

test("delete a source after confirming; its address refuses from then on", async ({ page, request }) => {
  await open(page, `${server.url}/sources`);
  await page.getByRole("link", { name: "GitHub" }).click();
  await page.getByRole("button", { name: "Delete GitHub" }).click();
  await page.getByRole("button", { name: "Delete source" }).click();
  await expect(page).toHaveURL(`${server.url}/sources`);
  await expect(page.getByRole("heading", { name: "No sources yet" })).toBeVisible();
  const refused = await request.post(sourceUrl, { headers: { Authorization: `Bearer ${token}` }, data: {} });
  expect(refused.status()).toBe(401);
});

test("on a phone the form stacks and nothing is wider than the screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, `${server.url}/sources`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "sources-phone");
});
