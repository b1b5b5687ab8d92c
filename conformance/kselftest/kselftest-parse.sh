#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#
# The result-parsing rules of Linaro's LAVA kselftest test definition
# (test-definitions, automated/linux/kselftest/kselftest.sh, parse_output),
# reimplemented: "# selftests: DIR: TEST" sets the test directory; every
# "ok N name" / "not ok N name" line, at any "# " nesting depth, is one
# result: "skip" when "# SKIP" follows, "fail" for "not ok", else "pass";
# a name not starting with "selftests: " gets the directory prepended; ":"
# and "/" (with following blanks) become ".".  Prints "NAME RESULT" lines.
#   kselftest-parse.sh KSELFTEST_LOG
exec perl -ne '
	if (m|^# selftests: (.*)$|) {
		$testdir = $1;
		$testdir =~ s|[:/]\s*|.|g;
	} elsif (m|^(?:# )*(not )?ok (?:\d+) ([^#]+)(# (SKIP)?)?|) {
		$not = $1 // ""; $test = $2; $skip = $4 // "";
		$test =~ s|\s+$||;
		if ($test =~ /selftests: (.*)/) {
			$test = $1;
			$test =~ s|[:/]\s*|.|g;
		} else {
			$test = "$testdir.$test";
		}
		$result = $skip eq "SKIP" ? "skip" : $not eq "not " ? "fail" : "pass";
		print "$test $result\n";
	}
' "$1"
