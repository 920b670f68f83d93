// Operator mode in the browser: a portal link opens one customer's dashboard, once.
import { expect, test } from "./fixtures";
import { execFileSync } from "node:child_process";
import http from "node:http";
import { AddressInfo } from "node:net";
import { hydrated, RELEASE_BINARY, RunningServer, screenshot, startServer } from "./server";

test.describe.configure({ mode: "serial" });

let server: RunningServer;
let operatorKey = "";
let receiver: http.Server;
let receiverUrl = "";
let received = 0;

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received++;
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  server = await startServer({ args: ["--allow-http", "--allow-private-destinations"] });
  const output = execFileSync(RELEASE_BINARY, ["operator-key", "create", "--name", "e2e", "--data-dir", server.dataDir]);
  operatorKey = output.toString().trim().split("\n").pop() ?? "";
  expect(operatorKey).toMatch(/^hro_/);
});

test.afterAll(async () => {
  await server?.stop();
  receiver?.close();
});

async function api(method: string, path: string, account: string | null, data?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${operatorKey}` };
  if (account) headers["hookrelay-account"] = account;
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { ...headers, ...(data ? { "content-type": "application/json" } : {}) },
    body: data ? JSON.stringify(data) : undefined,
  });
  expect(response.ok, `${method} ${path}: ${response.status}`).toBeTruthy();
  return response.status === 204 ? null : response.json();
}

test("a portal link opens one account's dashboard, once", async ({ browser }) => {
  await api("POST", "/accounts", null, { name: "Acme Corp", external_id: "acme" });
  await api("POST", "/accounts", null, { name: "Globex", external_id: "globex" });
  await api("POST", "/event-types", null, { name: "invoice.paid", description: "From the catalog" });
  await api("POST", "/subscriptions", "ext_acme", { url: receiverUrl });
  const acmeEvent = await api("POST", "/events", "ext_acme", { type: "invoice.paid", data: { customer: "acme" } });
  const globexEvent = await api("POST", "/events", "ext_globex", { type: "invoice.paid", data: { customer: "globex" } });
  const link = await api("POST", "/accounts/ext_acme/portal-link", null, { expires_in: "10m" });

  const context = await browser.newContext();
  const page = await context.newPage();
  // The link's page uses nothing until its button is pressed (link previews only GET).
  await page.goto(link.url);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Acme Corp's webhooks" })).toBeVisible();
  await screenshot(page, "portal-link");
  await page.getByRole("button", { name: "Open the dashboard" }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  await hydrated(page);
  await expect(page.locator(".account-name")).toHaveText("Acme Corp");
  await expect(page.locator(".user-email")).toHaveText("portal visitor");
  // API keys are for members; the visitor manages webhooks only.
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Subscriptions" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "API keys" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Sources" })).toHaveCount(0);
  await screenshot(page, "portal-overview");

  await page.goto(`${server.url}/events`);
  await hydrated(page);
  await expect(page.getByRole("row").filter({ hasText: acmeEvent.id })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: globexEvent.id })).toHaveCount(0);
  await page.goto(`${server.url}/events/${globexEvent.id}`);
  await expect(page.getByRole("heading", { name: "Event not found" })).toBeVisible();

  // The visitor can redeliver their own deliveries.
  await page.goto(`${server.url}/events/${acmeEvent.id}`);
  await hydrated(page);
  const delivery = page.locator(".delivery");
  await expect(delivery.locator(".timeline-item")).toHaveCount(1);
  await delivery.getByRole("button", { name: "Redeliver" }).click();
  await expect(delivery.locator(".timeline-item")).toHaveCount(2);
  await expect(delivery.locator(".timeline-item").first()).toContainText("Redelivered");
  await expect(page.locator(".attempt-detail")).toContainText("Redelivered by portal visitor");
  // The catalog's type is the operator's: shown, not editable.
  await page.goto(`${server.url}/event-types`);
  await hydrated(page);
  const row = page.getByRole("row").filter({ hasText: "invoice.paid" });
  await expect(row.locator(".chip")).toHaveText("Catalog");
  await expect(row.getByRole("button", { name: "Edit invoice.paid" })).toBeHidden();
  await screenshot(page, "portal-event-types");
  await context.close();

  // A second visit with the same link is refused.
  const again = await browser.newContext();
  const second = await again.newPage();
  await second.goto(link.url);
  await expect(second.getByRole("heading", { name: "Link not valid" })).toBeVisible();
  await expect(second.getByRole("alert")).toContainText("expired or has been used already");
  await screenshot(second, "portal-link-used");
  await again.close();
});

test("an invitation registers a person into the inviting account", async ({ browser }) => {
  const invitation = await api("POST", "/accounts/ext_acme/invitations", null, { email: "ada@example.com" });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(invitation.url);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Join Acme Corp" })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue("ada@example.com");
  await screenshot(page, "invitation");
  await page.getByLabel("Choose a password").fill("short");
  await page.getByRole("button", { name: "Create login and join" }).click();
  await expect(page.locator("#field-password-error")).not.toBeEmpty();
  await page.getByLabel("Choose a password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Create login and join" }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.locator(".account-name")).toHaveText("Acme Corp");
  await expect(page.locator(".user-email")).toHaveText("ada@example.com");
  await context.close();

  // Used once: the link now says so.
  const later = await browser.newContext();
  const again = await later.newPage();
  await again.goto(invitation.url);
  await expect(again.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();
  await later.close();
});

test("someone with a login joins by invitation and switches between accounts", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = `grace-${Date.now()}@example.com`;
  // The operator makes Grace the instance admin on the command line (registering on an
  // instance with accounts already would not).
  execFileSync(RELEASE_BINARY, ["user", "create", "--admin", "--email", email, "--data-dir", server.dataDir], {
    input: "correct horse battery\n",
  });
  const invitation = await api("POST", "/accounts/ext_acme/invitations", null, { email });
  await page.goto(invitation.url);
  await hydrated(page);
  await page.getByLabel("Your password").fill("correct horse battery");
  await page.getByRole("button", { name: "Log in and join" }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  await hydrated(page);
  const switcher = page.getByLabel("Account");
  await expect(switcher.locator("option:checked")).toHaveText("Acme Corp");
  await expect(switcher.locator("option")).toHaveCount(2);
  // Reached by a client-side navigation: the chart's bars must still be SVG, drawn.
  const bars = page.locator('.chart rect.chart-ok:not([height="0"])');
  await expect(bars.first()).toBeVisible();
  await screenshot(page, "account-switcher");
  const acmeId = await switcher.getAttribute("data-account");
  await switcher.selectOption({ label: email });
  // The switch ends by loading the home page of the other account: wait for that page, or a
  // click made meanwhile is undone by the reload.
  await expect(page.getByLabel("Account")).not.toHaveAttribute("data-account", acmeId ?? "");
  await hydrated(page);
  await expect(page.getByLabel("Account").locator("option:checked")).toHaveText(email);

  // Grace is the instance admin: she sees the operator page.
  await page.getByRole("link", { name: "Operator" }).click();
  await expect(page.getByRole("heading", { name: "Operator" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "Acme Corp" })).toContainText("acme");
  await expect(page.getByRole("row").filter({ hasText: "Globex" })).toBeVisible();
  await expect(page.locator("[data-stat=health]")).toContainText("Healthy");
  await screenshot(page, "operator");
  await context.close();
});
