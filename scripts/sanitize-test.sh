#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer run of the native addon (SECURITY.md "How this is tested").
#
#   scripts/sanitize-test.sh            build build-asan (cmake-js, SANITIZE=ON), then run the focused tests
#   SANITIZE_SKIP_BUILD=1 scripts/...   reuse an existing build (incremental `cmake-js build` otherwise)
#   STEPSEARCH_ASAN_BUILD_DIR=dir       build folder (default build-asan; use your own in a shared tree)
#
# The tests run in plain Node with the ASan runtime preloaded (Node itself is not instrumented; the addon is),
# STEPSEARCH_ADDON pointing at the sanitized build, and every child process the tests spawn inherits both.
#   ASAN_OPTIONS   detect_leaks=0: V8 and Node keep allocations alive until exit by design, so LeakSanitizer
#                  would report them; leaks are measured by test/leaks.test.ts instead (not run here: ASan's
#                  quarantine holds freed memory, so RSS is not flat under it).
#                  allocator_may_return_null=1: malloc of an impossible size returns null (operator new
#                  still aborts, see below).
#                  allow_user_segv_handler=0: Node installs its own SIGSEGV handler (WebAssembly traps), which
#                  would turn a wild native access into a bare segfault; ASan keeps the signal and reports it.
#   UBSAN_OPTIONS  halt_on_error=1: the first report ends the process (and fails its test).
# One child of test/limits.test.ts (a failed allocation must become a RangeError) runs the regular addon
# without the preload, because ASan's operator new aborts on out-of-memory instead of throwing: it uses
# STEPSEARCH_PLAIN_ADDON (default: build/Release/stepsearch.node when it exists, as in .ci/run).
# Any sanitizer report in the output fails the run, even one printed by a child process whose test caught it.
#
# Last line: `N passed, N failed, N skipped` for the tests run here (the .ci/run phase adds these counts to its
# closing line); exit status 0 only when every test passed and no sanitizer report was printed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
export NO_COLOR=1

BUILD_DIR="${STEPSEARCH_ASAN_BUILD_DIR:-build-asan}"
REPORT="${SANITIZE_REPORT:-.sanitize-report.json}"
LOG="${SANITIZE_LOG:-.sanitize-test.log}"
# The focused subset: objectives and parity, bad input, every fuzz file, faults and limits, async, a few
# methods. (Not leaks.test.ts, see above; not packaging/cli/plot, which exercise no native code paths of their own.)
# SANITIZE_TESTS="test/a.test.ts test/b.test.ts" replaces the list (for a quick local check).
TESTS=(
  test/native-objectives.test.ts test/parity.test.ts test/bad-input.test.ts
  test/fuzz.test.ts test/fuzz-libsvm.test.ts test/fuzz-options.test.ts test/fuzz-native.test.ts test/fuzz-concurrency.test.ts
  test/faults.test.ts test/limits.test.ts test/async.test.ts
  test/lbfgs.test.ts test/newton.test.ts test/mdb.test.ts test/stochastic-parity.test.ts
)

if [ -n "${SANITIZE_TESTS:-}" ]; then read -r -a TESTS <<<"$SANITIZE_TESTS"; fi

start=$SECONDS
fail() { echo "sanitize: $1" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

echo "--- sanitizer build ($BUILD_DIR, SANITIZE=ON)"
if [ "${SANITIZE_SKIP_BUILD:-0}" != "1" ]; then
  if [ -f "$BUILD_DIR/CMakeCache.txt" ] && grep -q '^SANITIZE:BOOL=ON' "$BUILD_DIR/CMakeCache.txt"; then
    # Incremental; re-run the configure step first, since native/sources.txt is read at configure time.
    { cmake "$BUILD_DIR" > /dev/null && cmake --build "$BUILD_DIR"; } || fail "sanitizer build failed"
  else
    npx cmake-js rebuild -O "$BUILD_DIR" --CDSANITIZE=ON || fail "sanitizer build failed"
  fi
fi
case "$BUILD_DIR" in /*) ADDON="$BUILD_DIR/Release/stepsearch.node" ;; *) ADDON="$PWD/$BUILD_DIR/Release/stepsearch.node" ;; esac
[ -f "$ADDON" ] || fail "no $ADDON"
nm -D "$ADDON" | grep __asan_report > /dev/null || fail "$ADDON is not built with AddressSanitizer"
echo "build: $((SECONDS - start)) s"

echo "--- TypeScript build (child-process tests load dist/)"
npx tsc -p . || fail "tsc failed"

if [ -z "${STEPSEARCH_PLAIN_ADDON:-}" ] && [ -f build/Release/stepsearch.node ]; then
  export STEPSEARCH_PLAIN_ADDON="$PWD/build/Release/stepsearch.node"
fi

echo "--- tests under ASan + UBSan"
LIBASAN="$(g++ -print-file-name=libasan.so)"
[ -f "$LIBASAN" ] || fail "libasan.so not found ($LIBASAN)"
rm -f "$REPORT"
t0=$SECONDS
# Node's own binary is started directly (not through npx) so that npm is not run under the preload.
env LD_PRELOAD="$LIBASAN" \
  ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:allow_user_segv_handler=0:abort_on_error=1:print_summary=1" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
  STEPSEARCH_ADDON="$ADDON" \
  CI= \
  node node_modules/vitest/vitest.mjs run "${TESTS[@]}" \
    --reporter=default --reporter=json --outputFile.json="$REPORT" 2>&1 | tee "$LOG"
test_rc=${PIPESTATUS[0]}
echo "tests: $((SECONDS - t0)) s, total: $((SECONDS - start)) s"

# Sanitizer reports anywhere in the output (children included: tests print a failing child's stderr).
reports=$(grep -cE 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|SUMMARY: (Address|UndefinedBehavior)Sanitizer' "$LOG")
echo "sanitizer reports: $reports"
if [ "$reports" -ne 0 ]; then
  grep -nE -A30 'ERROR: AddressSanitizer|runtime error:' "$LOG" | head -120 >&2
fi

summary=$(node - "$REPORT" "$reports" <<'EOF'
const fs = require('fs');
const [file, reports] = [process.argv[2], Number(process.argv[3])];
let passed = 0, failed = 0, skipped = 0;
if (!fs.existsSync(file)) { console.error(`sanitize: ${file} was not written`); failed = 1; }
else {
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const suite of r.testResults ?? []) {
    const results = suite.assertionResults ?? [];
    if (suite.status === 'failed' && !results.some((a) => a.status === 'failed')) failed += 1; // file failed to load
    for (const a of results) {
      if (a.status === 'passed') passed += 1;
      else if (a.status === 'failed') failed += 1;
      else skipped += 1;
    }
  }
  if (passed + failed + skipped === 0) failed = 1;
}
if (reports > 0) failed += reports; // each sanitizer report counts as a failure
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
EOF
)
echo "$summary"
if [ "$test_rc" -ne 0 ] || [ "$reports" -ne 0 ] || ! grep -q ' 0 failed' <<<"$summary"; then exit 1; fi
exit 0
