// The delivery dashboard end to end: the release binary, a real receiver on loopback, events
// published through the REST API, and what a person sees (and can do) in Chromium.
import { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import http from "node:http";
import { AddressInfo } from "node:net";
import { open, registerAndSaveSession, sessionFile } from "./dashboard";
import { RunningServer, screenshot, startServer } from "./server";

test.describe.configure({ mode: "serial" });

const session = sessionFile("deliveries");
let server: RunningServer;
let apiKey = "";
let subscriptionId = "";

test.use({ storageState: session });

/** A webhook receiver whose answer the test sets; it keeps what it received. */
const receiver = {
  status: 500,
  body: "<html><script>window.__xss = 'response'</script>down</html>",
  received: [] as { headers: http.IncomingHttpHeaders; body: string }[],
  server: null as http.Server | null,
  url: "",
};

test.beforeAll(async ({ browser }) => {
  receiver.server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      receiver.received.push({ headers: req.headers, body });
      res.writeHead(receiver.status, { "content-type": "text/html" });
      res.end(receiver.body);
    });
  });
  await new Promise<void>((resolve) => receiver.server!.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`;
  server = await startServer({
    args: ["--allow-http", "--allow-private-destinations", "--retry-schedule", "200ms,200ms"],
  });
  await registerAndSaveSession(browser, server, "deliveries", session);
});

test.afterAll(async () => {
  await server?.stop();
  receiver.server?.close();
});

async function api(request: APIRequestContext, method: "GET" | "POST", path: string, data?: unknown) {
  const response = await request.fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}` },
    data,
  });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

async function publish(request: APIRequestContext, type: string, data: unknown) {
  return api(request, "POST", "/events", { type, data });
}

/** Marks the page so that a test can tell it was not reloaded. */
async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { __mark: number }).__mark = 42));
}

async function expectNotReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __mark?: number }).__mark)).toBe(42);
}

test("with no events yet, the events page and the overview show how to publish one", async ({ page }) => {
  await open(page, `${server.url}/events`);
  await expect(page.getByRole("heading", { name: "Publish your first event" })).toBeVisible();
  await expect(page.locator(".first-run pre").first()).toContainText(`curl -X POST ${server.url}/api/v1/events`);
  await expect(page.locator(".first-run pre").nth(1)).toContainText("from standardwebhooks import Webhook");
  await screenshot(page, "events-first-run");
  await open(page, `${server.url}/`);
  await expect(page.getByRole("heading", { name: "Publish your first event" })).toBeVisible();
  await screenshot(page, "overview-first-run");

  // What the next tests need: a key, two event types and a subscription to the receiver.
  const key = await page.request.post(`${server.url}/rpc/api_keys/create`, { form: { name: "e2e" } });
  expect(key.ok()).toBeTruthy();
  apiKey = (await key.json()).key;
  await api(page.request, "POST", "/event-types", { name: "invoice.paid" });
  await api(page.request, "POST", "/event-types", { name: "user.created" });
  subscriptionId = (await api(page.request, "POST", "/subscriptions", { url: receiver.url })).id;
});

test("a published event appears on the open events page without a reload", async ({ page }) => {
  receiver.status = 200;
  await open(page, `${server.url}/events`);
  await expect(page.locator(".live-indicator")).toHaveText("Live");
  await markPage(page);
  const event = await publish(page.request, "invoice.paid", { invoice: "in_1", amount: 4200 });
  const row = page.getByRole("row").filter({ hasText: event.id });
  await expect(row).toBeVisible();
  await expect(row.locator(".chip")).toHaveText("1 succeeded");
  await expectNotReloaded(page);
});

test("a failed delivery is redelivered after the receiver recovers, without a reload", async ({ page }) => {
  receiver.status = 500;
  const event = await publish(page.request, "invoice.paid", { invoice: "in_2", amount: 1300 });
  await open(page, `${server.url}/events/${event.id}`);
  await markPage(page);
  const delivery = page.locator(".delivery");
  // The first attempt and both retries fail: 3 attempts, then "Failed".
  await expect(delivery.locator(".delivery-facts .chip").first()).toHaveText("Failed");
  await expect(delivery.locator(".timeline-item")).toHaveCount(3);
  await expect(page.locator(".attempt-detail")).toContainText("HTTP 500");
  // The response body is shown as text; its script did not run.
  await expect(page.locator(".attempt-detail")).toContainText("<script>window.__xss = 'response'</script>");
  await screenshot(page, "event-failed");

  receiver.status = 200;
  await delivery.getByRole("button", { name: "Redeliver" }).click();
  await expect(delivery.locator(".delivery-facts .chip").first()).toHaveText("Succeeded");
  await expect(delivery.locator(".timeline-item")).toHaveCount(4);
  const newest = delivery.locator(".timeline-item").first();
  await expect(newest).toContainText("#4");
  await expect(newest).toContainText("HTTP 200");
  await expect(newest).toContainText("Redelivered");
  await expect(page.locator(".attempt-detail")).toContainText("Redelivered by");
  // The request as sent, signature included.
  await expect(page.locator(".attempt-detail .header-table").first()).toContainText("webhook-signature");
  await expectNotReloaded(page);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  await screenshot(page, "event-redelivered");

  // An earlier attempt opens on demand.
  await delivery.locator(".timeline-item").last().getByRole("button").click();
  await expect(page.locator(".attempt-detail")).toContainText("#1");
  await expect(page.locator(".attempt-detail")).toContainText("Non-2xx status");
});

test("an event delivered to two subscriptions opens the attempts the reader asks for", async ({ page }) => {
  receiver.status = 200;
  // A type of its own, so that the other tests' counts per type stay as they are.
  await api(page.request, "POST", "/event-types", { name: "order.shipped" });
  const second = (await api(page.request, "POST", "/subscriptions", { url: `${receiver.url}?second` })).id;
  try {
    const event = await publish(page.request, "order.shipped", { order: "or_1" });
    expect(event.deliveries).toHaveLength(2);
    await expect
      .poll(async () => (await api(page.request, "GET", `/events/${event.id}`)).deliveries.map((d: { status: string }) => d.status))
      .toEqual(["succeeded", "succeeded"]);
    await open(page, `${server.url}/events/${event.id}`);
    await markPage(page);
    // Two deliveries: none is open until the reader picks one.
    await expect(page.locator(".delivery")).toHaveCount(2);
    await expect(page.locator(".timeline")).toHaveCount(0);
    const row = page.locator(`.delivery[data-delivery="${event.deliveries[1].id}"]`);
    await row.getByRole("button", { name: "Show attempts" }).click();
    await expect(row.locator(".timeline-item")).toHaveCount(1);
    await expect(row.locator(".attempt-detail")).toContainText("HTTP 200");
    await expect(page.locator(".timeline")).toHaveCount(1);
    await screenshot(page, "event-two-deliveries");
    await row.getByRole("button", { name: "Hide attempts" }).click();
    await expect(page.locator(".timeline")).toHaveCount(0);
    await expect(row.getByRole("button", { name: "Show attempts" })).toHaveAttribute("aria-expanded", "false");
    await expectNotReloaded(page);
  } finally {
    const removed = await page.request.delete(`${server.url}/api/v1/subscriptions/${second}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(removed.ok()).toBeTruthy();
  }
});

test("a delivery sent more than fifty times shows its latest attempts and loads older ones", async ({ page }) => {
  receiver.status = 200;
  await api(page.request, "POST", "/event-types", { name: "order.retried" });
  const event = await publish(page.request, "order.retried", { order: "or_2" });
  const delivery = event.deliveries[0].id;
  for (let made = 1; made <= 55; made++) {
    if (made > 1) await api(page.request, "POST", `/deliveries/${delivery}/redeliver`);
    await expect.poll(async () => (await api(page.request, "GET", `/deliveries/${delivery}`)).attempts_made).toBe(made);
  }
  await open(page, `${server.url}/events/${event.id}?delivery=${delivery}`);
  const row = page.locator(`.delivery[data-delivery="${delivery}"]`);
  await expect(row.locator(".timeline-item")).toHaveCount(50);
  await expect(row.locator(".timeline-number").last()).toHaveText("#6");
  await row.getByRole("button", { name: "Older attempts" }).click();
  await expect(row.locator(".timeline-item")).toHaveCount(55);
  await expect(row.locator(".timeline-number").last()).toHaveText("#1");
  await expect(row.getByRole("button", { name: "Older attempts" })).toHaveCount(0);
  await row.locator(".timeline-item").last().getByRole("button").click();
  await expect(row.locator(".attempt-detail")).toContainText("#1 ·");
  await screenshot(page, "event-older-attempts");
});

test("a payload of markup shows as characters and runs nothing", async ({ page }) => {
  receiver.status = 200;
  const event = await publish(page.request, "user.created", {
    name: "<script>window.__xss = 'payload'</script>",
    avatar: '<img src=x onerror="window.__xss = \'img\'">',
    nested: { deep: { deeper: { deepest: [1, true, null] } } },
  });
  await open(page, `${server.url}/events/${event.id}`);
  const payload = page.locator('section[aria-labelledby="payload-title"] .json-tree');
  await expect(payload).toContainText(`"<script>window.__xss = 'payload'</script>"`);
  await expect(payload).toContainText(`<img src=x onerror=\\"window.__xss = 'img'\\">`);
  await expect(page.locator(".json-tree img")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  // Deep levels start collapsed and open on a click.
  await expect(payload.getByText('"deepest"')).toBeHidden();
  await payload.locator("details:not([open]) > summary").first().click();
  await expect(payload.getByText('"deepest"')).toBeVisible();
  await screenshot(page, "event-detail");
});

test("filters live in the URL, survive a reload, and pages go back in time", async ({ page }) => {
  receiver.status = 200;
  for (let n = 0; n < 52; n++) await publish(page.request, "user.created", { n });
  await open(page, `${server.url}/events`);
  await expect(page.getByRole("row").filter({ hasText: "user.created" })).toHaveCount(50);

  await page.getByLabel("Type").selectOption("invoice.paid");
  await expect(page).toHaveURL(/\/events\?type=invoice\.paid$/);
  await expect(page.locator("tbody tr")).toHaveCount(2);
  await page.getByLabel("Delivery status").selectOption("failed");
  await expect(page).toHaveURL(/type=invoice\.paid&status=failed/);
  await expect(page.getByRole("heading", { name: "No events match these filters" })).toBeVisible();
  await page.getByLabel("Delivery status").selectOption("succeeded");
  await expect(page.locator("tbody tr")).toHaveCount(2);
  await page.reload();
  await expect(page.getByLabel("Delivery status")).toHaveValue("succeeded");
  await expect(page.getByLabel("Type")).toHaveValue("invoice.paid");
  await expect(page.locator("tbody tr")).toHaveCount(2);
  await screenshot(page, "events-filtered");

  await open(page, `${server.url}/events?type=user.created`);
  await expect(page.locator("tbody tr")).toHaveCount(50);
  await page.getByRole("link", { name: "Older" }).click();
  await expect(page).toHaveURL(/cursor=evt_/);
  await expect(page.locator("tbody tr")).toHaveCount(3);
  await page.getByRole("link", { name: "Newest" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(50);

  // Search by id.
  const first = await api(page.request, "GET", "/events?type=invoice.paid&limit=1");
  await page.getByLabel("Find an event by ID").fill(first.data[0].id);
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page).toHaveURL(`${server.url}/events/${first.data[0].id}`);
  await open(page, `${server.url}/events`);
  await page.getByLabel("Find an event by ID").fill("not-an-id");
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page.locator(".filter-search .inline-error")).toContainText("evt_");
  await screenshot(page, "events");
});

test("the subscription page sends a test event and replays failed deliveries", async ({ page }) => {
  receiver.status = 500;
  const failed = await publish(page.request, "invoice.paid", { invoice: "in_3" });
  await expect
    .poll(async () => (await api(page.request, "GET", `/deliveries/${failed.deliveries[0].id}`)).status)
    .toBe("failed");

  await open(page, `${server.url}/subscriptions/${subscriptionId}`);
  await markPage(page);
  const deliveries = page.locator("section", { has: page.getByRole("heading", { name: "Deliveries" }) });
  await expect(deliveries.locator(`tr[data-delivery="${failed.deliveries[0].id}"] .chip`)).toHaveText("Failed");

  receiver.status = 200;
  await deliveries.getByRole("button", { name: "Replay failed" }).click();
  await expect(deliveries.getByText("Queued 1 failed delivery to be sent again.")).toBeVisible();
  await expect(deliveries.locator(`tr[data-delivery="${failed.deliveries[0].id}"] .chip`)).toHaveText("Succeeded");

  const before = receiver.received.length;
  await deliveries.getByRole("button", { name: "Send test event" }).click();
  await expect(deliveries.getByText("Test event sent:")).toBeVisible();
  await expect.poll(() => receiver.received.length).toBeGreaterThan(before);
  expect(JSON.parse(receiver.received[receiver.received.length - 1].body).type).toBe("hookrelay.test");
  await expect(deliveries.locator("tbody tr").first()).toContainText("hookrelay.test");
  await expectNotReloaded(page);
  await screenshot(page, "subscription-deliveries");
});

test("the overview charts the last day and names what is failing", async ({ page }) => {
  receiver.status = 500;
  const failing = await publish(page.request, "invoice.paid", { invoice: "in_4" });
  await expect
    .poll(async () => (await api(page.request, "GET", `/deliveries/${failing.deliveries[0].id}`)).status)
    .toBe("failed");
  await open(page, `${server.url}/`);
  await expect(page.getByRole("heading", { name: "Deliveries per hour" })).toBeVisible();
  await expect(page.locator(".chart .chart-bar")).toHaveCount(24);
  await expect(page.locator("[data-stat=failed]")).not.toHaveText("0");
  await expect(page.locator("[data-stat=success-rate]")).toContainText("%");
  // The subscription's row: its URL (it has no description), "Failing", its last failure.
  const row = page.locator(`tr[data-subscription="${subscriptionId}"]`);
  await expect(row).toContainText(receiver.url);
  await expect(row.locator(".chip").first()).toHaveText("Failing");
  await expect(row).toContainText("unless a delivery succeeds");
  await expect(row).toContainText("HTTP 500");
  const failures = page.locator("section", { has: page.getByRole("heading", { name: "What is failing" }) });
  await expect(failures.locator(".failure-group")).toHaveCount(1);
  await failures.getByRole("link", { name: "Latest attempt" }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${failing.id}\\?delivery=`));
  await expect(page.locator(".attempt-detail")).toContainText("HTTP 500");
  await open(page, `${server.url}/`);
  await screenshot(page, "overview");
  receiver.status = 200;
});

test("on a phone the pages stack and stay readable", async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, `${server.url}/events`);
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await screenshot(page, "events-phone");
  const latest = await api(request, "GET", "/events?type=invoice.paid&limit=1");
  await open(page, `${server.url}/events/${latest.data[0].id}`);
  await expect(page.locator(".attempt-detail")).toBeVisible();
  await screenshot(page, "event-detail-phone");
  await open(page, `${server.url}/`);
  await expect(page.locator(".chart")).toBeVisible();
  await screenshot(page, "overview-phone-dashboard");
  // Nothing wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("the page says when live updates are disconnected", async ({ page }) => {
  await open(page, `${server.url}/events`);
  await expect(page.locator(".live-indicator")).toHaveText("Live");
  await server.stop();
  await expect(page.locator(".live-indicator")).toHaveText("Disconnected");
  await screenshot(page, "events-disconnected");
});
