import { expect, test } from "./fixtures";
import { open, registerAndSaveSession, sessionFile } from "./dashboard";
import { hydrated, RunningServer, screenshot, startServer } from "./server";

test.describe.configure({ mode: "serial" });

const session = sessionFile("event-types");
let server: RunningServer;

test.use({ storageState: session });

test.beforeAll(async ({ browser }) => {
  server = await startServer();
  await registerAndSaveSession(browser, server, "types", session);
});

test.afterAll(async () => {
  await server?.stop();
});

test("the navigation lists the dashboard's pages in order", async ({ page }) => {
  await open(page, `${server.url}/event-types`);
  const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
  // This spec's user is its server's first: it also sees the operator page.
  await expect(links).toHaveText(["Overview", "Events", "Subscriptions", "Event types", "Sources", "API keys", "Operator"]);
  await expect(page.getByRole("link", { name: "Event types" })).toHaveAttribute("aria-current", "page");
});

test("an empty catalog explains itself; a bad name is refused beside the field", async ({ page }) => {
  await open(page, `${server.url}/event-types`);
  await expect(page.getByRole("heading", { name: "No event types yet" })).toBeVisible();
  await expect(page).toHaveTitle("Event types · Hookrelay");
  await screenshot(page, "event-types-empty");

  const name = page.getByLabel("Name", { exact: true });
  await name.fill("Invoice");
  await page.getByRole("button", { name: "Create event type" }).click();

  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toBeFocused();
  await expect(page.locator("#event-type-name-error")).toHaveText(
    "Use lowercase words separated by dots, at least two, like invoice.paid or user.email_changed.",
  );
  await screenshot(page, "event-types-error");
});

test("an example that is not JSON is refused beside its field", async ({ page }) => {
  await open(page, `${server.url}/event-types`);
  await page.getByLabel("Name", { exact: true }).fill("invoice.paid");
  await page.getByLabel("Example payload").fill('{"invoice_id": }');
  await page.getByRole("button", { name: "Create event type" }).click();

  await expect(page.getByLabel("Example payload")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#event-type-example-error")).toContainText("The example is not valid JSON");
  await expect(page.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "false");
});

test("create event types; they appear in the list", async ({ page }) => {
  await open(page, `${server.url}/event-types`);
  await page.getByLabel("Name", { exact: true }).fill("invoice.paid");
  await page.getByLabel("Description").fill("An invoice was paid in full");
  await page.getByLabel("Example payload").fill('{"invoice_id": "inv_123", "amount": 4200}');
  await page.getByRole("button", { name: "Create event type" }).click();

  await expect(page.getByRole("status").filter({ hasText: "Saved invoice.paid." })).toBeVisible();
  const row = page.getByRole("row", { name: /invoice\.paid/ });
  await expect(row).toContainText("An invoice was paid in full");
  // Its activity: nothing published yet, and nobody receives it.
  const activity = row.getByRole("cell").nth(2);
  await expect(activity).toContainText("0 in 24 h");
  await expect(activity).toContainText("Never published");
  await expect(activity).toContainText("No subscription receives it");
  // The form is ready for the next one.
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("");

  await page.getByLabel("Name", { exact: true }).fill("user.created");
  await page.getByLabel("Description").fill("A user signed up");
  await page.getByRole("button", { name: "Create event type" }).click();
  await expect(page.getByRole("row", { name: /user\.created/ })).toBeVisible();

  // The same name again is a conflict, shown at the name.
  await page.getByLabel("Name", { exact: true }).fill("user.created");
  await page.getByRole("button", { name: "Create event type" }).click();
  await expect(page.locator("#event-type-name-error")).toHaveText("An event type named user.created already exists.");
});

test("edit an event type's description and example", async ({ page }) => {
  await open(page, `${server.url}/event-types`);
  await page.getByRole("button", { name: "Edit invoice.paid" }).click();

  await expect(page.getByRole("heading", { name: "Edit event type" })).toBeVisible();
  const name = page.getByLabel("Name", { exact: true });
  await expect(name).toHaveValue("invoice.paid");
  await expect(name).toHaveAttribute("readonly", "");
  await expect(page.getByLabel("Description")).toBeFocused();
  await expect(page.getByLabel("Example payload")).toHaveValue(/"invoice_id": "inv_123"/);
  await screenshot(page, "event-types-edit");

  await page.getByLabel("Description").fill("An invoice was paid, in full or in part");
  await page.getByLabel("Example payload").fill('{"invoice_id": "inv_123", "amount": 4200, "partial": false}');
  await page.getByRole("button", { name: "Save changes" }).click();

  const row = page.getByRole("row", { name: /invoice\.paid/ });
  await expect(row).toContainText("An invoice was paid, in full or in part");
  await expect(page.getByRole("heading", { name: "New event type" })).toBeVisible();

  await page.getByRole("button", { name: "Edit invoice.paid" }).click();
  await expect(page.getByLabel("Example payload")).toHaveValue(/"partial": false/);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("");
});

test("archive an event type, then restore it", async ({ page }) => {
  await open(page, `${server.url}/event-types`);
  const row = page.getByRole("row", { name: /user\.created/ });
  await row.getByRole("button", { name: "Archive user.created" }).click();

  await expect(row.getByText("Archived", { exact: true })).toBeVisible();
  await expect(row.getByRole("button", { name: "Restore user.created" })).toBeVisible();
  await screenshot(page, "event-types-list");

  await page.reload();
  await expect(page.getByRole("row", { name: /user\.created/ }).getByText("Archived", { exact: true })).toBeVisible();
  await hydrated(page);

  await page.getByRole("button", { name: "Restore user.created" }).click();
  await expect(row.getByText("Archived", { exact: true })).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Archive user.created" })).toBeVisible();
});

test("the list reads as cards on a phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, `${server.url}/event-types`);
  await expect(page.getByRole("row", { name: /invoice\.paid/ })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "event-types-phone");
});
