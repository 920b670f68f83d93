// The `test` every spec uses: Playwright's, plus a watch on every browser page of the test for
// a panic of the app's WebAssembly. A panic (a hydration mismatch, for one) leaves the page
// looking fine but dead: no more updates, no handlers. Tests that only look at the page would
// then fail later and far from the cause, or pass by luck.
import { BrowserContext, expect, test as base } from "@playwright/test";

function watch(context: BrowserContext, problems: string[]) {
  context.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("panicked")) problems.push(message.text());
  });
  context.on("weberror", (error) => problems.push(`uncaught: ${error.error().message}`));
}

export const test = base.extend<{ noPanics: void }>({
  noPanics: [
    async ({ context, browser }, use) => {
      const problems: string[] = [];
      watch(context, problems);
      // Contexts a test opens itself (another user, a fresh visitor) are watched too.
      const newContext = browser.newContext;
      browser.newContext = async (...args: Parameters<typeof newContext>) => {
        const opened = await newContext.apply(browser, args);
        watch(opened, problems);
        return opened;
      };
      try {
        await use();
      } finally {
        browser.newContext = newContext;
      }
      expect(problems, "the app panicked in the browser").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
