package text

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Durations and times as tokensim writes and reads them: lifetimes the way
// people quote them ("30d", "15m", "1h30m"), and times of day that keep
// their date once a run has left its first day.

// maxDays keeps a day count inside time.Duration (about 292 years).
const maxDays = 100_000

// ParseDuration reads a Go duration, also accepting a whole number of days
// ("30d"), which token lifetimes are usually quoted in.
//
// A day count may also lead a Go duration ("2d3h", "-1d12h"), because that
// is how FormatDuration writes lifetimes of two days and more: without it
// Get's answer for, say, a 50-hour idle lifetime ("2d2h") would not be one
// Set accepts, though Get promises exactly that.
func ParseDuration(s string) (time.Duration, error) {
	if i := strings.IndexByte(s, 'd'); i > 0 {
		days, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		if days > maxDays || days < -maxDays {
			return 0, fmt.Errorf("duration %q is too long (at most %d days)", s, maxDays)
		}
		d := time.Duration(days) * 24 * time.Hour
		if rest := s[i+1:]; rest != "" {
			r, err := time.ParseDuration(rest)
			if err != nil || r < 0 || strings.HasPrefix(rest, "+") {
				return 0, fmt.Errorf("bad duration %q (examples: 90s, 15m, 1h, 30d, 2d12h)", s)
			}
			if strings.HasPrefix(s, "-") {
				r = -r // "-1d12h" is minus one and a half days
			}
			d += r
		}
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q (examples: 90s, 15m, 1h, 30d)", s)
	}
	return d, nil
}

// FormatDuration writes d the way people quote lifetimes: "30d", "15m",
// "1h30m", "0".
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	var b strings.Builder
	b.WriteString(neg)
	// Days read better than hours from two days up ("30d", but "24h").
	if days := d / (24 * time.Hour); days >= 2 {
		fmt.Fprintf(&b, "%dd", days)
		d -= days * 24 * time.Hour
	}
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dh", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dm", m)
		d -= m * time.Minute
	}
	if d > 0 {
		// 'f', not %g: %g writes "1e-05s" for 10µs, which ParseDuration
		// (like time.ParseDuration) cannot read back.
		b.WriteString(strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s")
	}
	return b.String()
}

// FormatTime is the one way a time reaches a learner: the time of day
// when t falls on the run's first day (the day of start), with the date
// otherwise, and with the year too once t is in another year than start.
// A bare "09:00" for a family begun days later, or "Jan 2" years on,
// would say something false.
func FormatTime(t, start time.Time) string {
	t, start = t.UTC(), start.UTC()
	switch {
	case t.Year() == start.Year() && t.YearDay() == start.YearDay():
		return t.Format("15:04:05")
	case t.Year() == start.Year():
		return t.Format("Jan 2 15:04:05")
	}
	return t.Format("Jan 2 2006 15:04:05")
}

// FormatDate is a time with its date always, for stamps that head a step
// (a transcript, the narration tab), with the year once t is in another
// year than start.
func FormatDate(t, start time.Time) string {
	if t.UTC().Year() != start.UTC().Year() {
		return t.UTC().Format("Jan 2 2006 15:04:05")
	}
	return t.UTC().Format("Jan 2 15:04:05")
}
