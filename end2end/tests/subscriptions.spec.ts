import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { createEventType, open, registerAndSaveSession, sessionFile } from "./dashboard";
import { RunningServer, screenshot, startServer } from "./server";

test.describe.configure({ mode: "serial" });

const session = sessionFile("subscriptions");
let server: RunningServer;
let detailUrl = "";

test.use({ storageState: session });

test.beforeAll(async ({ browser }) => {
  server = await startServer();
  await registerAndSaveSession(browser, server, "subs", session);
});

test.afterAll(async () => {
  await server?.stop();
});

/** The status chip in the subscription's page header. */
function headerStatus(page: Page) {
  return page.locator(".title-row .chip");
}

test("an empty list explains what a subscription is", async ({ page }) => {
  await open(page, `${server.url}/subscriptions`);
  await expect(page.getByRole("heading", { name: "No subscriptions yet" })).toBeVisible();
  await screenshot(page, "subscriptions-empty");

  // Event types for the next tests; one archived, which the form must not offer.
  await createEventType(page, server, "invoice.paid", "An invoice was paid in full");
  await createEventType(page, server, "invoice.voided", "An invoice was cancelled");
  await createEventType(page, server, "user.created", "A user signed up");
  await createEventType(page, server, "legacy.thing", "Old");
  const archived = await page.request.post(`${server.url}/rpc/event_types/set_archived`, {
    form: { name: "legacy.thing", archived: "true" },
  });
  expect(archived.ok()).toBeTruthy();
});

test("a plain http URL is refused beside the field", async ({ page }) => {
  await open(page, `${server.url}/subscriptions`);
  await page.getByRole("link", { name: "Add your first subscription" }).click();
  await expect(page).toHaveURL(`${server.url}/subscriptions/new`);
  await expect(page.getByRole("heading", { name: "New subscription" })).toBeVisible();

  await page.getByLabel("Endpoint URL").fill("http://example.com/hooks");
  await page.getByRole("button", { name: "Create subscription" }).click();

  await expect(page.getByLabel("Endpoint URL")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Endpoint URL")).toBeFocused();
  await expect(page.locator("#subscription-url-error")).toHaveText(
    "Use an https:// URL; this instance does not deliver over plain http.",
  );
  await screenshot(page, "subscription-form-error");

  // Mistakes the browser catches before sending anything.
  await page.getByLabel("Endpoint URL").fill("https://example.com/hooks");
  await page.getByRole("checkbox", { name: "All event types" }).uncheck();
  await page.getByRole("button", { name: "Create subscription" }).click();
  await expect(page.locator("#subscription-event-types-error")).toHaveText(
    "Choose at least one event type, or All event types.",
  );
  await expect(page.getByRole("checkbox", { name: "All event types" })).toBeFocused();
  await page.getByRole("checkbox", { name: "All event types" }).check();

  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header 1 name").fill("X-Token");
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header 2 name").fill("x-token");
  await page.getByRole("button", { name: "Create subscription" }).click();
  await expect(page.locator("#subscription-headers-error")).toHaveText(/The header .* appears twice\./);
  await expect(page).toHaveURL(`${server.url}/subscriptions/new`);
});

test("create a subscription for one event type with a custom header", async ({ page }) => {
  await open(page, `${server.url}/subscriptions/new`);
  await page.getByLabel("Endpoint URL").fill("https://example.com/hooks");
  await page.getByLabel("Description").fill("Billing service, production");

  // Only active types are offered, and the search box narrows them.
  const picker = page.getByRole("group", { name: "Event types" });
  await expect(picker.getByRole("checkbox", { name: "All event types" })).toBeChecked();
  await expect(picker.getByText("legacy.thing")).toHaveCount(0);
  await picker.getByRole("searchbox", { name: "Search event types" }).fill("paid");
  await expect(picker.getByRole("checkbox")).toHaveCount(2);
  await picker.getByRole("checkbox", { name: /invoice\.paid/ }).check();
  await expect(picker.getByRole("checkbox", { name: "All event types" })).not.toBeChecked();
  await expect(picker).toContainText("1 event type chosen.");

  await page.getByRole("button", { name: "Add header" }).click();
  await expect(page.getByLabel("Header 1 name")).toBeFocused();
  await page.getByLabel("Header 1 name").fill("X-Api-Token");
  await page.getByLabel("Header 1 value").fill("tok_123");
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header 2 name").fill("X-Extra");
  await page.getByRole("button", { name: "Remove header 2" }).click();
  await expect(page.getByLabel("Header 2 name")).toHaveCount(0);
  await page.getByLabel("Webhook ID").fill("billing-prod");

  await page.getByRole("button", { name: "Create subscription" }).click();

  await expect(page).toHaveURL(new RegExp(`${server.url}/subscriptions/sub_[A-Za-z0-9]+$`));
  detailUrl = page.url();
  // Named by its description, its URL under it.
  await expect(page.getByRole("heading", { level: 1, name: "Billing service, production" })).toBeVisible();
  await expect(page.locator(".title-sub")).toHaveText("https://example.com/hooks");
  await expect(headerStatus(page)).toHaveText("Enabled");
  const details = page.getByRole("region", { name: "Details" });
  await expect(details).toContainText("invoice.paid");
  await expect(details).toContainText("billing-prod");
  // Settings, secret and headers are tabs under the deliveries; the details show first.
  await page.getByRole("tab", { name: "Custom headers" }).click();
  await expect(details).toBeHidden();
  const headers = page.getByRole("region", { name: "Custom headers" });
  await expect(headers).toContainText("X-Api-Token");
  await expect(headers).toContainText("tok_123");
  await expect(headers).not.toContainText("X-Extra");
  await screenshot(page, "subscription-detail");
});

test("edit the subscription", async ({ page }) => {
  await open(page, detailUrl);
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit subscription" })).toBeVisible();
  await expect(page.getByLabel("Endpoint URL")).toHaveValue("https://example.com/hooks");
  await expect(page.getByLabel("Header 1 name")).toHaveValue("X-Api-Token");

  await page.getByLabel("Description").fill("Billing service, all invoices");
  const picker = page.getByRole("group", { name: "Event types" });
  await expect(picker.getByRole("checkbox", { name: /invoice\.paid/ })).toBeChecked();
  await picker.getByRole("checkbox", { name: /invoice\.voided/ }).check();
  await page.getByRole("button", { name: "Save changes" }).click();

  await expect(page).toHaveURL(detailUrl);
  await expect(page.getByText("Billing service, all invoices").first()).toBeVisible();
  const details = page.getByRole("region", { name: "Details" });
  await expect(details).toContainText("invoice.voided");
  await page.getByRole("tab", { name: "Custom headers" }).click();
  await expect(page.getByRole("region", { name: "Custom headers" })).toContainText("X-Api-Token");
});

test("reveal, copy and rotate the signing secret", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await open(page, detailUrl);
  await page.getByRole("tab", { name: "Signing secret" }).click();
  await expect(page.getByRole("tab", { name: "Signing secret" })).toHaveAttribute("aria-selected", "true");
  const section = page.getByRole("region", { name: "Signing secret" });
  await expect(section.getByRole("textbox")).toHaveCount(0);
  await section.getByRole("button", { name: "Reveal" }).click();

  const secret = section.getByRole("textbox", { name: "Signing secret" });
  await expect(secret).toHaveValue(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const first = await secret.inputValue();
  await section.getByRole("button", { name: "Copy signing secret" }).click();
  await expect(section.getByRole("button", { name: "Copy signing secret" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);

  await section.getByRole("button", { name: "Rotate secret" }).click();
  await expect(section.getByRole("group")).toContainText("For the next 24 hours");
  await screenshot(page, "subscription-rotate-confirm");
  await section.getByRole("button", { name: "Rotate now" }).click();

  await expect(secret).not.toHaveValue(first);
  await expect(secret).toHaveValue(/^whsec_/);
  await expect(section).toContainText("The previous secret keeps signing alongside it for 24 hours.");
  const rotated = await secret.inputValue();

  await section.getByRole("button", { name: "Hide" }).click();
  await expect(section.getByRole("textbox")).toHaveCount(0);
  await section.getByRole("button", { name: "Reveal" }).click();
  await expect(secret).toHaveValue(rotated);
});

test("disable and enable the subscription", async ({ page }) => {
  await open(page, detailUrl);
  await page.getByRole("button", { name: "Disable" }).click();
  await expect(headerStatus(page)).toHaveText("Disabled by a user");
  await expect(page.getByRole("button", { name: "Enable" })).toBeVisible();

  // Saving the form keeps it disabled: editing is not enabling.
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(detailUrl);
  await expect(headerStatus(page)).toHaveText("Disabled by a user");

  await page.getByRole("button", { name: "Enable" }).click();
  await expect(headerStatus(page)).toHaveText("Enabled");
  await expect(page.getByRole("button", { name: "Disable" })).toBeVisible();
});

test("the list shows every subscription, also on a phone", async ({ page }) => {
  await open(page, `${server.url}/subscriptions/new`);
  await page.getByLabel("Endpoint URL").fill("https://hooks.partner.example.org/v1/incoming/hookrelay/events");
  await page.getByLabel("Description").fill("Partner integration");
  await page.getByRole("button", { name: "Create subscription" }).click();
  await expect(page).toHaveURL(/\/subscriptions\/sub_/);
  await expect(page.getByRole("region", { name: "Details" })).toContainText("All event types");
  await page.getByRole("button", { name: "Disable" }).click();
  await expect(headerStatus(page)).toHaveText("Disabled by a user");

  await page.getByRole("link", { name: "Subscriptions", exact: true }).first().click();
  await expect(page).toHaveURL(`${server.url}/subscriptions`);
  const billing = page.getByRole("row", { name: /example\.com\/hooks/ });
  await expect(billing).toContainText("Billing service, all invoices");
  await expect(billing).toContainText("invoice.paid");
  await expect(billing).toContainText("invoice.voided");
  await expect(billing).toContainText("Enabled");
  const partner = page.getByRole("row", { name: /partner\.example\.org/ });
  await expect(partner).toContainText("All types");
  await expect(partner).toContainText("Disabled by a user");
  await screenshot(page, "subscriptions-list");

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(billing).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, "subscriptions-list-phone");
  await open(page, detailUrl);
  await expect(headerStatus(page)).toHaveText("Enabled");
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, "subscription-detail-phone");
});

test("delete the subscription after confirming", async ({ page }) => {
  await open(page, detailUrl);
  await page.getByRole("button", { name: "Delete subscription" }).click();
  const confirm = page.getByRole("group", { name: "Confirm: Delete" });
  await expect(confirm).toContainText("This cannot be undone.");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete subscription" })).toBeFocused();

  await page.getByRole("button", { name: "Delete subscription" }).click();
  await page.getByRole("button", { name: "Delete permanently" }).click();

  await expect(page).toHaveURL(`${server.url}/subscriptions`);
  await expect(page.getByRole("row", { name: /partner\.example\.org/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /example\.com\/hooks/ })).toHaveCount(0);

  await open(page, detailUrl);
  await expect(page.getByRole("heading", { name: "Subscription not found" })).toBeVisible();
});

test("an unknown subscription says so", async ({ page }) => {
  await open(page, `${server.url}/subscriptions/sub_doesnotexist`);
  await expect(page.getByRole("heading", { name: "Subscription not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "See all subscriptions" })).toBeVisible();
  await screenshot(page, "subscription-not-found");
  await open(page, `${server.url}/subscriptions/sub_doesnotexist/edit`);
  await expect(page.getByRole("heading", { name: "Subscription not found" })).toBeVisible();
});
