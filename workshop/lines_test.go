package workshop

import (
	"fmt"
	"testing"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// Every line the server prints to a terminal (or in a banner) fits an
// 80-column terminal, at the longest value it plausibly carries: limits
// up to 99999 and durations up to 23h59m59s.
func TestServerLinesFit80Columns(t *testing.T) {
	d := text.FormatDuration(23*time.Hour + 59*time.Minute + 59*time.Second)
	const n = 99999
	lines := map[string]string{
		"msgNoPty":       msgNoPty,
		"msgExec":        msgExec,
		"msgFull":        "tokensim: " + fmt.Sprintf(msgFull, inWords(n, "attendee")),
		"msgFullForAll":  "tokensim: " + fmt.Sprintf(msgFullForAll, n),
		"msgClosing":     "tokensim: " + msgClosing,
		"msgPerAddr":     "tokensim: " + fmt.Sprintf(msgPerAddr, n),
		"msgPending":     "tokensim: " + fmt.Sprintf(msgPending, n),
		"msgPendingAddr": "tokensim: " + fmt.Sprintf(msgPendingAddr, n),
		"msgLongUser":    "tokensim: " + fmt.Sprintf(msgLongUser, MaxUserLen),
		"msgLockedOut":   "tokensim: " + fmt.Sprintf(msgLockedOut, d),
		"msgIdle":        fmt.Sprintf(msgIdle, d),
		"msgMaxAge":      fmt.Sprintf(msgMaxAge, d),
		"msgGoodbye":     msgGoodbye,
		"msgReplaced":    msgReplaced,
	}
	for name, line := range lines {
		if w := len([]rune(line)); w > 80 {
			t.Errorf("%s is %d columns: %q", name, w, line)
		}
	}
}
