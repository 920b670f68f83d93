import { expect, test } from "./fixtures";
import { open, registerAndSaveSession, sessionFile } from "./dashboard";
import { RunningServer, screenshot, startServer } from "./server";

test.describe.configure({ mode: "serial" });

const session = sessionFile("api-keys");
let server: RunningServer;
let key = "";

test.use({ storageState: session });

test.beforeAll(async ({ browser }) => {
  server = await startServer();
  await registerAndSaveSession(browser, server, "keys", session);
});

test.afterAll(async () => {
  await server?.stop();
});

test("no keys yet: the page says what keys are for; a key needs a name", async ({ page }) => {
  await open(page, `${server.url}/api-keys`);
  await expect(page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();
  await expect(page).toHaveTitle("API keys · Hookrelay");
  await screenshot(page, "api-keys-empty");

  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByLabel("Key name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Key name")).toBeFocused();
  await expect(page.locator("#api-key-name-error")).toHaveText(
    "Give the key a name, such as the service that will use it.",
  );
  await screenshot(page, "api-keys-error");
});

test("create a key: the full key is shown once, with a copy button", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await open(page, `${server.url}/api-keys`);
  await page.getByLabel("Key name").fill("CI deploys");
  await page.getByRole("button", { name: "Create key" }).click();

  const box = page.getByRole("region", { name: "Your new key “CI deploys”" });
  await expect(box).toContainText("It will not be shown again.");
  const value = box.getByRole("textbox");
  await expect(value).toHaveValue(/^hrk_[A-Za-z0-9_-]{43}$/);
  key = await value.inputValue();
  await box.getByRole("button", { name: "Copy API key" }).click();
  await expect(box.getByRole("button", { name: "Copy API key" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await expect(page.getByLabel("Key name")).toHaveValue("");

  const row = page.getByRole("row", { name: /CI deploys/ });
  await expect(row).toContainText(`${key.slice(0, 10)}…`);
  await expect(row).toContainText("Never");
  await expect(row).toContainText("Active");
  await screenshot(page, "api-key-created");

  await box.getByRole("button", { name: "I have copied it" }).click();
  await expect(box).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("row", { name: /CI deploys/ })).toBeVisible();
  await expect(page.getByText(key)).toHaveCount(0);
});

test("the REST API accepts the key", async ({ playwright }) => {
  // A fresh request context: no session cookie, only the key.
  const api = await playwright.request.newContext();
  const response = await api.get(`${server.url}/api/v1/event-types`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(response.status(), await response.text()).toBe(200);
  await api.dispose();
});

test("revoke the key after confirming; the REST API refuses it", async ({ page, playwright }) => {
  await open(page, `${server.url}/api-keys`);
  await page.getByLabel("Key name").fill("Staging worker");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByRole("row", { name: /Staging worker/ })).toBeVisible();
  await page.getByRole("button", { name: "I have copied it" }).click();

  const row = page.getByRole("row", { name: /CI deploys/ });
  await expect(row.getByText(/ago|just now/)).toHaveCount(2);
  await screenshot(page, "api-keys-list");

  await row.getByRole("button", { name: "Revoke CI deploys" }).click();
  await expect(row.getByRole("group")).toContainText("Requests that use this key will be refused");
  await screenshot(page, "api-keys-revoke-confirm");
  await row.getByRole("button", { name: "Revoke key" }).click();

  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button")).toHaveCount(0);
  await expect(page.getByRole("row", { name: /Staging worker/ })).toContainText("Active");

  const api = await playwright.request.newContext();
  const response = await api.get(`${server.url}/api/v1/event-types`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(response.status()).toBe(401);
  await api.dispose();
});

test("on a phone the list stacks into cards", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, `${server.url}/api-keys`);
  await expect(page.getByRole("row", { name: /CI deploys/ })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, "api-keys-phone");
});
