// Ace by DAISY over many EPUBs in one Node process and one Chromium (ace-cli takes one
// book per run and starts Node and Chromium for each).
//   node tools/ace-all.js REPORT_DIR BOOK.epub...
// Used by the audit (relapse_handouts/checkers.py). Writes REPORT_DIR/<n>.json (Ace's JSON
// report) for the n-th book, in order; a book Ace cannot check gets no file.
// ACE_OWN_RUNNER=1 uses Ace's own runner instead (a new tab per document), to compare.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');

const ace = require('@daisy/ace-core');
const logger = require('@daisy/ace-logger');
const runner = require('@daisy/ace-axe-runner-puppeteer');
// The Puppeteer that Ace's runner uses.
const puppeteer = require(
  require.resolve('puppeteer', { paths: [require.resolve('@daisy/ace-axe-runner-puppeteer')] }),
);
const OWN_RUNNER = Boolean(process.env.ACE_OWN_RUNNER);

// Books checked at once (each one's documents four at a time): one book alone leaves
// the CPU idle while Chromium and Node wait on each other.
const BOOKS_AT_ONCE = Number(process.env.ACE_BOOKS_AT_ONCE || 2);

// Ace's runner launches and closes Chromium around each book, opens a new tab (a new
// renderer process) for each document and injects its 1.3 MB axe-core script into it
// as text over the DevTools socket. This runner keeps one Chromium for all the books and
// a few tabs that go from document to document, and adds Ace's scripts by their file URL,
// so a renderer compiles them once (V8 caches a script by its URL) and their text does
// not cross the socket for each document: half the CPU (8 books: 27 s against 60 s, with
// Chromium's renderers counted), same reports. The checks are Ace's own: the same
// scripts in the same order, each tagged data-ace, run by the same page function.
const idleTabs = [];
let browser;

// Chromium as Ace's runner launches it (ace-axe-runner-puppeteer's launch()).
async function launch() {
  browser = await puppeteer.launch({
    args: ['--no-sandbox', '--disable-setuid-sandbox'],
    headless: true,
    timeout: 5000,
    protocolTimeout: 240000,
  });
}

async function openTab() {
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  // As Ace's runner: no network; a .html document is served as XHTML.
  page.on('request', (request) => {
    const url = request.url();
    if (url && /^https?:\/\//.test(url)) {
      request.abort();
      return;
    }
    if (request.resourceType() === 'document' && url && /^file:\//.test(url) && /\.html?$/.test(url)) {
      fs.readFile(new URL(url), 'utf8', (err, xhtml) => {
        if (err) request.continue();
        else request.respond({ status: 200, contentType: 'application/xhtml+xml', body: xhtml });
      });
      return;
    }
    request.continue();
  });
  return page;
}

async function runInTab(url, scripts, scriptContents) {
  const page = idleTabs.pop() || (await openTab());
  let reusable = false;
  try {
    await page.goto(url);
    for (const content of scriptContents) await tagScript(page, { content });
    for (const script of scripts) await tagScript(page, { url: pathToFileURL(script).href });
    const results = await page.evaluate(aceRun);
    reusable = true;
    return results;
  } finally {
    // A tab whose document failed is not used again.
    if (reusable) idleTabs.push(page);
    else await page.close().catch(() => {});
  }
}

async function tagScript(page, source) {
  const element = await page.addScriptTag(source);
  await page.evaluate((script) => script.setAttribute('data-ace', ''), element);
  await element.dispose();
}

// The page function of Ace's runner (ace-axe-runner-puppeteer's run()), unchanged.
function aceRun() {
  return new Promise((resolve, reject) => {
    try {
      window.tryAceAxe = () => {
        const ready = window.daisy && window.daisy.ace && window.daisy.ace.run;
        if (!ready || !window.daisy.ace.createReport || !window.axe) {
          window.tryAceAxeN++;
          if (window.tryAceAxeN < 15) {
            setTimeout(window.tryAceAxe, 400);
            return;
          }
          reject('window.tryAceAxe ' + window.tryAceAxeN);
          return;
        }
        window.daisy.ace.run((err, res) => {
          if (err) {
            reject(err);
            return;
          }
          resolve(res);
        });
      };
      window.tryAceAxeN = 0;
      window.tryAceAxe();
    } catch (exc) {
      reject(exc);
    }
  });
}

const sharedBrowser = {
  concurrency: runner.concurrency,
  setTimeout: runner.setTimeout,
  launch: async () => {},
  close: async () => {},
  run: OWN_RUNNER ? runner.run : runInTab,
};

async function checkOne(book, report) {
  const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ace-'));
  try {
    // No outdir: Ace returns the report (and prints it, to stdout, which the caller drops).
    const [, json] = await ace(book, { cwd: process.cwd(), tmpdir, silent: true }, sharedBrowser);
    fs.writeFileSync(report, JSON.stringify(json));
  } catch (err) {
    process.stderr.write(`ace-all: ${book}: ${err && err.message ? err.message : err}\n`);
  } finally {
    fs.rmSync(tmpdir, { recursive: true, force: true });
  }
}

async function main(reports, books) {
  fs.mkdirSync(reports, { recursive: true });
  logger.initLogger({ silent: true, fileName: 'ace-all.log' });
  await (OWN_RUNNER ? runner.launch() : launch());
  let next = 0;
  const worker = async () => {
    while (next < books.length) {
      const index = next++;
      await checkOne(books[index], path.join(reports, `${index}.json`));
    }
  };
  try {
    await Promise.all(Array.from({ length: BOOKS_AT_ONCE }, worker));
  } finally {
    await (OWN_RUNNER ? runner.close() : browser.close());
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`ace-all: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
