// The dashboard at a glance: one small account like a real team's first week (a healthy
// subscription, one whose endpoint answers 500, three event types, a source, two dozen events),
// the overview's figures checked against what was sent, every page of it checked with axe-core in light and dark (no serious or critical violation)
// and photographed on a desktop and a phone for people to look at.
import AxeBuilder from "@axe-core/playwright";
import { Browser, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import http from "node:http";
import { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";
import { open, sessionFile } from "./dashboard";
import { hydrated, PASSWORD, RELEASE_BINARY, RunningServer, screenshot, startServer } from "./server";

test.describe.configure({ mode: "serial" });

const EMAIL = "admin@example.com";
const TYPES = ["invoice.paid", "order.created", "user.signed_up"];
const EVENTS = 24;
/// Each subscription's deliveries: the events published, and the one the source received.
const DELIVERIES = EVENTS + 1;

const session = sessionFile("glance");
let server: RunningServer;
let healthy: http.Server;
let flaky: http.Server;
let apiKey = "";
const urls = { ok: "", failing: "" };
const ids = { billing: "", partner: "", failedEvent: "", source: "" };

/** A receiver that answers every request with `status`. */
async function receiver(status: number): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "upstream exploded"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks` };
}

async function api(page: Page, method: "GET" | "POST", path: string, data?: unknown) {
  const response = await page.request.fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}` },
    data,
  });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

/** Signs the admin in once (sign-ins are rate-limited) and keeps the session for every test. */
async function signInOnce(browser: Browser) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const response = await context.request.post(`${server.url}/rpc/login`, {
    form: { email: EMAIL, password: PASSWORD, next: "" },
    maxRedirects: 0,
  });
  expect(response.status(), await response.text()).toBeLessThan(400);
  await context.storageState({ path: session });
  await context.close();
}

test.use({ storageState: session });

test.beforeAll(async ({ browser }) => {
  const ok = await receiver(200);
  const failing = await receiver(500);
  healthy = ok.server;
  flaky = failing.server;
  server = await startServer({
    args: ["--allow-http", "--allow-private-destinations", "--retry-schedule", "200ms,200ms"],
  });
  execFileSync(RELEASE_BINARY, ["user", "create", "--email", EMAIL, "--admin", "--data-dir", server.dataDir], {
    input: `${PASSWORD}\n`,
  });
  await signInOnce(browser);
  urls.ok = ok.url;
  urls.failing = failing.url;
});

test.afterAll(async () => {
  await server?.stop();
  healthy?.close();
  flaky?.close();
});

test("a small account: two subscriptions, three types, a source, two dozen events", async ({ page }) => {
  const key = await page.request.post(`${server.url}/rpc/api_keys/create`, { form: { name: "Backend" } });
  expect(key.ok()).toBeTruthy();
  apiKey = (await key.json()).key;
  const descriptions: Record<string, string> = {
    "invoice.paid": "An invoice was paid in full.",
    "order.created": "A customer placed an order.",
    "user.signed_up": "Someone created an account.",
  };
  for (const name of TYPES) await api(page, "POST", "/event-types", { name, description: descriptions[name] });
  ids.billing = (await api(page, "POST", "/subscriptions", { url: urls.ok, description: "Billing service" })).id;
  ids.partner = (await api(page, "POST", "/subscriptions", { url: urls.failing, description: "Flaky partner" })).id;
  const source = await api(page, "POST", "/sources", { name: "Stripe", type_from: { json_pointer: "/type" } });
  ids.source = source.id;
  const inbound = await page.request.post(source.url, {
    headers: { authorization: `Bearer ${source.token}` },
    data: { type: "charge.succeeded", data: { id: "ch_1", amount: 1999 } },
  });
  expect(inbound.status()).toBe(202);
  const refused = await page.request.post(source.url, { headers: { authorization: "Bearer wrong" }, data: {} });
  expect(refused.status()).toBe(401);

  for (let n = 0; n < EVENTS; n++) {
    const type = TYPES[n % TYPES.length];
    const event = await api(page, "POST", "/events", {
      type,
      data: { id: `${type.split(".")[0]}_${1000 + n}`, amount: 1000 + n * 25, currency: "eur", customer: `cus_${n % 5}` },
    });
    if (n === EVENTS - 1) ids.failedEvent = event.id;
  }
  // Every delivery to the flaky partner ends failed after its three attempts.
  await expect
    .poll(async () => (await api(page, "GET", `/deliveries?subscription_id=${ids.partner}&status=failed&limit=100`)).data.length, {
      timeout: 30_000,
    })
    .toBe(DELIVERIES);
});

test("the overview leads with every subscription's health and names each problem once", async ({ page }) => {
  await open(page, `${server.url}/`);
  // Deliveries, not attempts: half of them failed, each after three attempts.
  await expect(page.locator("[data-stat=success-rate]")).toHaveText("50.0 %");
  await expect(page.locator("[data-stat=failed]")).toHaveText(String(DELIVERIES));
  const billing = page.locator(`tr[data-subscription="${ids.billing}"]`);
  await expect(billing.getByRole("link", { name: "Billing service" })).toBeVisible();
  await expect(billing).toContainText("100.0 %");
  await expect(billing.locator(".chip")).toHaveText("Enabled");
  const partner = page.locator(`tr[data-subscription="${ids.partner}"]`);
  await expect(partner.getByRole("link", { name: "Flaky partner" })).toBeVisible();
  await expect(partner).toContainText("0.0 %");
  await expect(partner.locator(".chip").first()).toHaveText("Failing");
  await expect(partner).toContainText("HTTP 500");
  // The failing one first.
  await expect(page.locator("tr[data-subscription]").first()).toHaveAttribute("data-subscription", ids.partner);
  const failures = page.locator(".failure-group");
  await expect(failures).toHaveCount(1);
  await expect(failures).toContainText("Flaky partner");
  await expect(failures).toContainText(`${DELIVERIES} deliveries · ${DELIVERIES * 3} attempts`);
});

test("each page says why without a click", async ({ page }) => {
  // The event page opens the delivery that failed, on its last answer.
  await open(page, `${server.url}/events/${ids.failedEvent}`);
  const failed = page.locator(".delivery[data-status=failed]");
  await expect(failed.locator(".attempt-detail")).toContainText("HTTP 500");
  await expect(failed).toContainText("Gave up after 3 attempts");
  await expect(failed.getByRole("link", { name: "Flaky partner" })).toBeVisible();

  // The subscription page: its health first, its deliveries by outcome.
  await open(page, `${server.url}/subscriptions/${ids.partner}`);
  await expect(page.getByRole("heading", { level: 1, name: "Flaky partner" })).toBeVisible();
  await expect(page.locator(".health-panel")).toContainText("Failing since");
  await expect(page.locator(".health-panel [data-stat=success-rate]")).toHaveText("0.0 %");
  const tabs = page.getByRole("group", { name: "Show deliveries" });
  await tabs.getByRole("button", { name: "Failed" }).click();
  await expect(tabs.getByRole("button", { name: "Failed" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator("tr[data-delivery][data-status=failed]")).toHaveCount(20);
  await tabs.getByRole("button", { name: "Succeeded" }).click();
  await expect(page.getByText("No successful deliveries yet.")).toBeVisible();

  // The events list: what each event was about, and who did not get it.
  await open(page, `${server.url}/events`);
  const row = page.locator(`tr[data-event="${ids.failedEvent}"]`);
  await expect(row).toContainText("Failed: Flaky partner");
  await expect(row).toContainText("id: user_1023 · amount: 1575 · currency: eur");
  await page.getByRole("button", { name: "24 hours" }).click();
  await expect(page).toHaveURL(/range=24h/);
  await expect(page.getByRole("button", { name: "24 hours" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator(".filter-summary")).toHaveText("Events · in the last 24 hours");

  // Event types: how much each is used, Hookrelay's own alerts listed.
  await open(page, `${server.url}/event-types`);
  const paid = page.getByRole("row", { name: /invoice\.paid/ });
  await expect(paid).toContainText(`${EVENTS / TYPES.length} in 24 h`);
  await expect(paid).toContainText("2 subscriptions");
  // An alert reaches only the subscriptions that tick it.
  await expect(page.getByRole("row", { name: /hookrelay\.delivery\.failed/ })).toContainText("No subscription receives it");

  // A source: how to try it, what arrived, and that no signature is checked.
  await open(page, `${server.url}/sources/${ids.source}`);
  await expect(page.getByText("Not checked")).toBeVisible();
  await expect(page.locator(".code-block")).toContainText("curl -X POST");
  await expect(page.locator("[data-stat=requests]")).toHaveText("Of these: 1 published, 1 refused");
});

/** Each page, with something on it that says its data is there. */
const pages: { name: string; path: () => string; ready: (page: Page) => Promise<void> }[] = [
  { name: "overview", path: () => "/", ready: async (p) => void (await p.locator(".chart").waitFor()) },
  { name: "events", path: () => "/events", ready: async (p) => void (await p.locator("tbody tr").first().waitFor()) },
  { name: "event", path: () => `/events/${ids.failedEvent}`, ready: async (p) => void (await p.locator(".delivery").first().waitFor()) },
  { name: "subscriptions", path: () => "/subscriptions", ready: async (p) => void (await p.locator("tbody tr").first().waitFor()) },
  {
    name: "subscription",
    path: () => `/subscriptions/${ids.partner}`,
    ready: async (p) => void (await p.locator("tr[data-delivery]").first().waitFor()),
  },
  { name: "subscription-new", path: () => "/subscriptions/new", ready: async (p) => void (await p.locator("form").first().waitFor()) },
  { name: "event-types", path: () => "/event-types", ready: async (p) => void (await p.locator("tbody tr").first().waitFor()) },
  { name: "sources", path: () => "/sources", ready: async (p) => void (await p.locator("tbody tr").first().waitFor()) },
  { name: "source", path: () => `/sources/${ids.source}`, ready: async (p) => void (await p.locator("tbody tr").first().waitFor()) },
  { name: "api-keys", path: () => "/api-keys", ready: async (p) => void (await p.locator("tbody tr").first().waitFor()) },
  { name: "operator", path: () => "/operator", ready: async (p) => void (await p.locator("tbody tr").first().waitFor()) },
  { name: "not-found", path: () => "/no-such-page", ready: async (p) => void (await p.locator("h1").waitFor()) },
];

/** The serious and critical violations axe finds on the page as it is, as readable lines. */
async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id}: ${node.target.join(" ")} — ${node.failureSummary?.split("\n").slice(1).join(" ")}`),
    );
}

for (const entry of pages) {
  test(`${entry.name}: axe finds nothing serious in either theme; desktop and phone photographs`, async ({ page }) => {
      await page.setViewportSize({ width: 1280, height: 800 });
    await open(page, `${server.url}${entry.path()}`);
    await entry.ready(page);
    await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
      expect.soft(await axeViolations(page), `${entry.name} in ${scheme}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: "light" });
    await screenshot(page, `glance-${entry.name}`);
    await page.setViewportSize({ width: 390, height: 844 });
    await hydrated(page);
    await screenshot(page, `glance-${entry.name}-phone`);
    // Nothing wider than the screen.
    expect.soft(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
}
