// Helpers shared by the dashboard page specs: one account per spec, signed in once.
import { Browser, expect, Page } from "@playwright/test";
import { tmpdir } from "node:os";
import path from "node:path";
import { hydrated, PASSWORD, RunningServer, uniqueEmail } from "./server";

/** Where a spec keeps its signed-in browser state (cookies), for `test.use({ storageState })`. */
export function sessionFile(tag: string): string {
  return path.join(tmpdir(), `hookrelay-e2e-${tag}-${process.pid}.json`);
}

/** Registers a new account through the UI and saves the signed-in session to `file`. */
export async function registerAndSaveSession(browser: Browser, server: RunningServer, tag: string, file: string) {
  // Explicitly empty: the spec's `storageState` option would otherwise apply here too, before
  // the file exists.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(`${server.url}/register`);
  await hydrated(page);
  await page.getByLabel("Email").fill(uniqueEmail(tag));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  await context.storageState({ path: file });
  await context.close();
}

/** Opens a dashboard page and waits until it is interactive. */
export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await hydrated(page);
}

/** Declares an event type through the dashboard's server function, for specs that need some. */
export async function createEventType(page: Page, server: RunningServer, name: string, description: string) {
  const response = await page.request.post(`${server.url}/rpc/event_types/save`, {
    form: { name, description, example: "", editing: "false" },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
}
