package text

import (
	"testing"
	"time"
)

const day = 24 * time.Hour

// TestParseDuration: Go durations plus whole days, alone or leading.
func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30d": 30 * day, "0d": 0, "1d": day, "90s": 90 * time.Second, "15m": 15 * time.Minute,
		"1h30m": 90 * time.Minute, "2d12h": 60 * time.Hour, "-2m": -2 * time.Minute, "-1d12h": -36 * time.Hour,
		"0": 0, "1.5s": 1500 * time.Millisecond,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "30", "1.5d", "30 d", "thirty days", "2d-3h", "2d+3h", "1w", "d3h"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %s, want an error", in, got)
		}
	}
}

// TestFormatDuration: lifetimes as people quote them, and every output
// parses back to the same duration.
func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0"}, {30 * time.Second, "30s"}, {90 * time.Second, "1m30s"}, {15 * time.Minute, "15m"},
		{90 * time.Minute, "1h30m"}, {24 * time.Hour, "24h"}, {36 * time.Hour, "36h"}, {48 * time.Hour, "2d"},
		{30 * day, "30d"}, {90 * day, "90d"}, {183 * day, "183d"}, {50 * time.Hour, "2d2h"},
		{7*day + 90*time.Minute + 5*time.Second, "7d1h30m5s"}, {-30 * time.Second, "-30s"}, {-3 * day, "-3d"},
		{1500 * time.Millisecond, "1.5s"}, {10 * time.Microsecond, "0.00001s"}, {time.Nanosecond, "0.000000001s"},
	} {
		got := FormatDuration(tc.d)
		if got != tc.want {
			t.Errorf("FormatDuration(%s) = %q, want %q", tc.d, got, tc.want)
		}
		back, err := ParseDuration(got)
		if err != nil || back != tc.d {
			t.Errorf("ParseDuration(FormatDuration(%s) = %q) = %s, %v", tc.d, got, back, err)
		}
	}
}

// TestFormatTimeKeepsTheDate: a time on the run's first day reads as a
// time of day; on a later day it carries the date, and in a later year
// the year too.
func TestFormatTimeKeepsTheDate(t *testing.T) {
	start := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC) // sim.start
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{start.Add(15 * time.Minute), "09:15:00"},
		{start.Add(3 * 24 * time.Hour), "Jan 18 09:00:00"},
		{start.Add(3 * 365 * 24 * time.Hour), "Jan 14 2029 09:00:00"},
	} {
		if got := FormatTime(c.t, start); got != c.want {
			t.Errorf("FormatTime(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

// TestFormatDateCarriesTheYear: a step's stamp always has its date, and
// the year once it is in another year than the run's start.
func TestFormatDateCarriesTheYear(t *testing.T) {
	start := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC) // sim.Epoch()
	if got := FormatDate(start, start); got != "Jan 15 09:00:00" {
		t.Errorf("first day: %q", got)
	}
	if got := FormatDate(start.Add(800*24*time.Hour), start); got != "Mar 25 2028 09:00:00" {
		t.Errorf("800 days on: %q", got)
	}
}
