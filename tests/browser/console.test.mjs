// The live console in a real browser: Debian's chromium, headless, driven
// by puppeteer-core. It opens the page of `romsim serve`, sees the charts
// grow, clicks a gateway and takes it down, sees the failover in the story
// within the expected simulated time, downloads the session's replay, and
// checks that `romsim run --replay` gives the session's tables.
//
// usage: node console.test.mjs (ROMSIM, ROMSIM_SCENARIOS in the environment)
import {spawn, spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, writeFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import puppeteer from "puppeteer-core";

const romsim = process.env.ROMSIM, scenarios = process.env.ROMSIM_SCENARIOS;
if (!romsim || !scenarios) throw new Error("ROMSIM and ROMSIM_SCENARIOS must be set (run through meson test)");
const dir = mkdtempSync(join(tmpdir(), "romsim-browser-"));
const scenario = join(scenarios, "gateway-crash.yaml"), live = join(dir, "live.db"), again = join(dir, "again.db");
const fail = (msg) => { throw new Error(msg); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// romsim serve on a free port, at five simulated minutes a second.
const serve = spawn(romsim, ["serve", scenario, "--listen", "127.0.0.1:0", "--speed", "300x", "-o", live],
  {stdio: ["ignore", "pipe", "inherit"]});
let out = "";
serve.stdout.on("data", (d) => (out += d));
let port = 0;
for (let i = 0; i < 500 && !port; i++) {
  const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
  if (m) port = Number(m[1]);
  else await sleep(10);
}
if (!port) fail("romsim serve printed no address: " + out);
const base = `http://127.0.0.1:${port}`;
const state = async () => (await fetch(base + "/api/state")).json();

let browser;
try {
  browser = await puppeteer.launch({executablePath: "/usr/bin/chromium", headless: "new",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]});
  const page = await browser.newPage();
  await page.setViewport({width: 1300, height: 1100});
  page.on("pageerror", (e) => fail("the page threw: " + e.message));
  await page.goto(base + "/", {waitUntil: "domcontentloaded"});
  await page.waitForSelector('.node[data-name="gw-3"]', {timeout: 10000});
  if (!(await page.evaluate(() => typeof Dygraph === "function"))) fail("the charting library did not load");

  // The charts grow.
  const points0 = await page.evaluate(() => rows.sql.length);
  await page.waitForFunction((n) => rows.sql.length > n + 8, {timeout: 20000}, points0);
  const points1 = await page.evaluate(() => rows.sql.length);
  console.log(`charts: ${points0} then ${points1} points of data into SQL`);

  // Click gw-3 and take it down (before gw-1's crash at 2h).
  const before = await state();
  if (before.now_us > 6600e6) fail("the run went too far before the click (gw-1 crashes at 2h): " + before.now_us);
  await page.click('.node[data-name="gw-3"]');
  await page.waitForSelector("#menu", {visible: true});
  await page.click('#menu button[data-do="down"][data-target="gw-3"]');
  // The failover of gw-3's customers, in the story, within 2 to 3 simulated minutes.
  await page.waitForFunction(() => /gw-3 goes down/.test($("story").textContent) &&
    /senders fail over/.test($("story").textContent), {timeout: 20000});
  const story = await page.evaluate(() => $("story").textContent);
  const down = story.match(/(\d\d):(\d\d):(\d\d)\s+gw-3 goes down/),
        over = story.match(/(\d\d):(\d\d):(\d\d)\s+\d+ senders fail over \(first: (cust-\d+) connected to (gw-\d+)/);
  if (!down || !over) fail("the story lacks the crash or the failover: " + story);
  const secs = (m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const took = secs(over) - secs(down);
  if (took < 60 || took > 180) fail(`the failover took ${took} s simulated`);
  console.log(`story: gw-3 down at ${down[0].slice(0, 8)}, failover ${took} s later (${over[4]} to ${over[5]})`);
  const box = await page.$eval('.node[data-name="gw-3"]', (e) => e.className);
  if (!/down/.test(box)) fail("gw-3's box is not drawn down: " + box);

  // The replay, as the page's link downloads it.
  const csv = await page.evaluate(async () => (await fetch($("replay").href)).text());
  if (!/^# romsim serve session[^\n]*\ntime,target,action\n\d+us,gw-3,down\n$/.test(csv)) fail("the replay: " + csv);
  writeFileSync(join(dir, "session.csv"), csv);
  console.log("replay: " + csv.trim().split("\n").slice(2).join(" | "));

  // Flat out to the end.
  await page.select("#speed", "max");
  for (let i = 0; i < 600 && (await state()).status === "running"; i++) await sleep(50);
  const end = await state();
  if (end.status !== "complete") fail("the run did not end: " + end.status);
  await page.waitForFunction(() => /complete/.test($("status").textContent), {timeout: 10000});
} finally {
  if (browser) await browser.close();
  serve.kill("SIGINT");
  await new Promise((r) => serve.on("exit", r));
}

// romsim run --replay gives the session's tables.
const run = spawnSync(romsim, ["run", scenario, "--replay", "session.csv", "-o", again], {cwd: dir, encoding: "utf8"});
if (run.status > 1) fail("romsim run --replay: " + run.stderr);
for (const t of ["nodes", "metrics", "samples", "events", "expectations", "figures", "faults"]) {
  const q = `ATTACH '${again}' AS b; SELECT (SELECT count(*) FROM (SELECT * FROM ${t} EXCEPT SELECT * FROM b.${t})) + ` +
    `(SELECT count(*) FROM (SELECT * FROM b.${t} EXCEPT SELECT * FROM ${t})) + abs((SELECT count(*) FROM ${t}) - ` +
    `(SELECT count(*) FROM b.${t}));`;
  const r = spawnSync("sqlite3", [live, q], {encoding: "utf8"});
  if (r.status !== 0 || r.stdout.trim() !== "0") fail(`table ${t} differs: ${r.stdout}${r.stderr}`);
}
console.log("romsim run --replay session.csv: every table as the session's");
rmSync(dir, {recursive: true, force: true});
