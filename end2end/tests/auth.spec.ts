import { expect, test } from "./fixtures";
import { hydrated, PASSWORD, RunningServer, screenshot, startServer, uniqueEmail } from "./server";

test.describe.configure({ mode: "serial" });

let server: RunningServer;
const email = uniqueEmail("ada");

test.beforeAll(async () => {
  server = await startServer();
});

test.afterAll(async () => {
  await server?.stop();
});

test("an anonymous visit to the dashboard goes to the login page", async ({ page }) => {
  await page.goto(`${server.url}/`);

  await expect(page).toHaveURL(`${server.url}/login?next=%2F`);
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await hydrated(page);
  await screenshot(page, "login");
});

test("register with a short password shows the error beside the field", async ({ page }) => {
  await page.goto(`${server.url}/register`);
  await hydrated(page);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();

  const password = page.getByLabel("Password");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-password-error")).toHaveText("Use at least 8 characters.");
  await screenshot(page, "register-error");
});

test("register, then land on the overview signed in", async ({ page }) => {
  await page.goto(`${server.url}/register`);
  await hydrated(page);
  await screenshot(page, "register");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await screenshot(page, "overview");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "overview-phone");
});

test("log out, then a wrong password shows one generic error", async ({ page }) => {
  await page.goto(`${server.url}/login`);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText(email)).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(`${server.url}/login`);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Log in" }).click();

  await expect(page.locator("#field-password-error")).toHaveText(
    "That email and password do not match an account.",
  );
  await expect(page).toHaveURL(`${server.url}/login`);
  await screenshot(page, "login-error");
});

test("a protected page sends you to login and back to it after", async ({ page }) => {
  await page.goto(`${server.url}/?from=link`);
  await expect(page).toHaveURL(/\/login\?next=%2F%3Ffrom%3Dlink$/);
  await hydrated(page);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();

  await expect(page).toHaveURL(`${server.url}/?from=link`);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
});

test("a restart of the server keeps the session", async ({ page }) => {
  await page.goto(`${server.url}/login`);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText(email)).toBeVisible();

  const { port, dataDir } = server;
  await server.stop();
  server = await startServer({ port, dataDir });
  await page.reload();

  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByText(email)).toBeVisible();
});

test("an unknown page says so", async ({ page }) => {
  const response = await page.goto(`${server.url}/no/such/page`);

  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await screenshot(page, "not-found");
});

test("change the password from the page behind the email; the other session ends", async ({ browser }) => {
  const person = uniqueEmail("grace");
  const here = await browser.newContext();
  const page = await here.newPage();
  await page.goto(`${server.url}/register`);
  await hydrated(page);
  await page.getByLabel("Email").fill(person);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  const elsewhere = await browser.newContext();
  const signedIn = await elsewhere.request.post(`${server.url}/rpc/login`, { form: { email: person, password: PASSWORD, next: "" } });
  expect(signedIn.ok()).toBeTruthy();

  await page.getByRole("link", { name: person }).click();
  await expect(page).toHaveURL(`${server.url}/password`);
  await expect(page.getByRole("heading", { name: "Your password" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("a new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#field-current_password-error")).toHaveText("That is not your current password.");
  await screenshot(page, "password-error");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toBeVisible();
  await screenshot(page, "password-changed");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "password-phone");

  // This session goes on; the other one has ended.
  await page.goto(`${server.url}/events`);
  await expect(page.getByRole("heading", { name: "Events" })).toBeVisible();
  const other = await elsewhere.request.post(`${server.url}/rpc/current_user`);
  expect(await other.json()).toBeNull();
  await here.close();
  await elsewhere.close();
});
