# One closing line over every test assembly of a `dotnet test` log, which prints
# "Passed!/Failed! - Failed: N, Passed: N, Skipped: N, ..." per assembly. Used by .ci/run and bench/suite/runs.sh.
/(Passed|Failed)! +- +Failed: / {
  gsub(",", "")
  for (i = 1; i <= NF; i++) {
    if ($i == "Failed:") f += $(i + 1)
    if ($i == "Passed:") p += $(i + 1)
    if ($i == "Skipped:") s += $(i + 1)
  }
}
END { printf "%d passed, %d failed, %d skipped\n", p, f, s }
