// Ace by DAISY over many EPUBs in one Node process and one Chromium (ace-cli takes one
// book per run and starts Node and Chromium for each).
//   node tools/ace-all.js REPORT_DIR BOOK.epub...
// Used by the audit (relapse_handouts/checkers.py). Writes REPORT_DIR/<n>.json (Ace's JSON
// report) for the n-th book, in order; a book Ace cannot check gets no file.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const ace = require('@daisy/ace-core');
const logger = require('@daisy/ace-logger');
const runner = require('@daisy/ace-axe-runner-puppeteer');

// Books checked at once (each one's documents four at a time): one book alone leaves
// the CPU idle while Chromium and Node wait on each other.
const BOOKS_AT_ONCE = Number(process.env.ACE_BOOKS_AT_ONCE || 2);

// Ace launches and closes the browser around each book; this runner keeps one open.
const sharedBrowser = {
  concurrency: runner.concurrency,
  setTimeout: runner.setTimeout,
  launch: async () => {},
  close: async () => {},
  run: runner.run,
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
  await runner.launch();
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
    await runner.close();
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`ace-all: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
