#!/usr/bin/env bash
# Set up whatever is missing (Debian packages, .venv, pinned Python packages), then run a task.
#   bash run.sh build [make_docs.py build options]   build every output into output/, then run the
#                                                    accessibility checkers on it (audit; a file
#                                                    left "not checked" fails the task)
#   bash run.sh test  [pytest options]               run the whole test suite
#   bash run.sh docs  [make_docs.py arguments]       any other make_docs.py command
#   bash run.sh serve [--host H --port P --workers N] the nurse desk on http://127.0.0.1:8000/
#   bash run.sh preview [--port P]                   live preview for authors on http://127.0.0.1:8001/
# Each step is skipped when already done, so a second call starts in well under a second.
# Each step that did work prints how long it took (benchmarks/RESULTS.md records them).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages: the renderer's libraries and fonts; what the build's accessibility audit
# runs (a Java JDK for EPUBCheck, Node.js for Ace, Chromium for axe-core); what only the tests use.
RENDER_DEBS="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk fonts-symbola fontconfig espeak-ng lame"
AUDIT_DEBS="default-jdk-headless chromium nodejs npm"
TEST_DEBS="default-jdk-headless poppler-utils qpdf calibre omegat"

timed() {
  # Run a step; say how long it took when it took a second or more.
  local name=$1 start=$SECONDS
  shift
  "$@"
  [ $((SECONDS - start)) -lt 1 ] || echo "run.sh: $name took $((SECONDS - start)) s" >&2
}

missing_debs() {
  local pkg out=""
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || out="$out $pkg"
  done
  echo "$out"
}

install_debs() {
  local missing
  missing=$(missing_debs "$@")
  [ -z "$missing" ] && return 0
  # nodejs from another source may already provide npm; skip what a binary already covers.
  if command -v npm >/dev/null; then missing=${missing// npm/}; fi
  if command -v node >/dev/null; then missing=${missing// nodejs/}; fi
  [ -z "${missing// /}" ] && return 0
  echo "run.sh: installing Debian packages:$missing" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

setup_venv() {
  local stamp=.venv/.requirements.sha256 want
  want=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "run.sh: installing Python packages into .venv" >&2
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
}

setup_project() {
  # The project itself, editable, so .venv/bin/relapse-handouts exists (same as make_docs.py).
  [ -x .venv/bin/relapse-handouts ] && return 0
  echo "run.sh: installing the project into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
}

setup() {
  # Everything a task needs, each step timed: Debian packages, Python packages, the project,
  # Ace by DAISY when the task runs the checkers.
  local debs=$1 ace=$2
  timed "Debian packages" install_debs $debs
  timed "Python packages" setup_venv
  timed "project install" setup_project
  if [ "$ace" = ace ]; then timed "Ace by DAISY" setup_ace; fi
}

setup_ace() {
  # Ace by DAISY (EPUB accessibility checker); it drives Debian's Chromium, never downloads one.
  [ -x tools/node_modules/.bin/ace-cli ] && return 0
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt 20 ]; then
    # Ace 1.4 needs Node.js 20; its tests then skip with a loud message instead of failing.
    echo "run.sh: WARNING: Node.js $major is older than 20: Ace by DAISY not installed" >&2
    return 0
  fi
  echo "run.sh: installing Ace by DAISY into tools/node_modules" >&2
  (cd tools && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --silent --no-audit --no-fund) ||
    echo "run.sh: WARNING: Ace by DAISY could not be installed; its tests will be skipped" >&2
}

run_audit() {
  # The checkers on what changed since they last ran. A file the report leaves "not
  # checked" (a checker missing on this machine) fails the task, as a failing file does.
  local log
  log=$(mktemp)
  .venv/bin/python make_docs.py audit "$@" | tee "$log"
  if ! grep -q ", 0 not checked" "$log"; then
    echo "run.sh: ERROR: the accessibility report has files no checker looked at;" \
      "'bash run.sh setup' installs the checkers" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

audit_output() {
  # The build's -o/--output folder, passed on to the audit.
  while [ $# -gt 0 ]; do
    case "$1" in
      -o|--output) echo "-o $2"; return ;;
      --output=*) echo "-o ${1#--output=}"; return ;;
    esac
    shift
  done
}

task=${1:-build}
[ $# -gt 0 ] && shift
case "$task" in
  build)
    setup "$RENDER_DEBS $AUDIT_DEBS" ace
    # The build's summary splits its time by renderer (read-aloud: the audio).
    timed "build (render and audio)" .venv/bin/python make_docs.py build "$@"
    # Then the independent accessibility checkers (outloud, EPUBCheck + Ace, axe-core in
    # Chromium) on what changed since they last ran; output/accessibility.html shows it.
    timed "audit" run_audit $(audit_output "$@") ;;
  docs)
    setup "$RENDER_DEBS" no
    exec .venv/bin/python make_docs.py "$@" ;;
  serve)
    setup "$RENDER_DEBS" no
    # The desk serves what is in output/: bring it up to date first (a no-op when current).
    .venv/bin/python make_docs.py build
    exec .venv/bin/python -m relapse_handouts.desk "$@" ;;
  preview)
    setup "$RENDER_DEBS" no
    exec .venv/bin/python make_docs.py preview "$@" ;;
  test)
    setup "$RENDER_DEBS $AUDIT_DEBS $TEST_DEBS" ace
    exec .venv/bin/python -m pytest "$@" ;;
  setup)
    setup "$RENDER_DEBS $AUDIT_DEBS $TEST_DEBS" ace ;;
  *) echo "usage: bash run.sh build|test|docs|serve|preview|setup [args]" >&2; exit 2 ;;
esac
