package progress

import "testing"

// A challenge's record and a lesson's of the same id are two records, and
// a solved challenge's stars and a lesson's attempt survive a restart.
func TestChallengeRecordsRoundTrip(t *testing.T) {
	path := testPath(t)
	f := mustOpen(t, path)
	if err := f.Save("two-tabs", Record{Steps: 5, Step: 2, Attempt: 3}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(ChallengeID("two-tabs"), Record{Step: 4, Done: true, Stars: 2}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g := mustOpen(t, path)
	lesson, _ := g.Load("two-tabs")
	ch, ok := g.Load(ChallengeID("two-tabs"))
	if lesson.Attempt != 3 || lesson.Done || !ok || !ch.Done || ch.Stars != 2 {
		t.Errorf("after a restart: lesson %+v, challenge %+v", lesson, ch)
	}
	if !IsChallenge(ChallengeID("two-tabs")) || IsChallenge("two-tabs") {
		t.Error("IsChallenge does not tell a challenge's id from a lesson's")
	}
	if a, b := (Record{Stars: 2}), (Record{Stars: 3}); a.Equal(b) {
		t.Error("records of different stars are Equal: a better score would not be saved")
	}
}

// The marks say the state in words after a symbol, never by colour.
func TestChallengeMark(t *testing.T) {
	for _, tc := range []struct {
		r    Record
		ok   bool
		want string
	}{
		{Record{}, false, "○ not tried"},
		{Record{Step: 2}, true, "◐ tried, not solved yet"},
		{Record{Step: 2, Done: true, Stars: 3}, true, "✓ solved · ★★★ 3 of 3 stars"},
		{Record{Step: 5, Done: true, Stars: 1}, true, "✓ solved · ★☆☆ 1 of 3 stars"},
	} {
		if got := ChallengeMark(tc.r, tc.ok); got != tc.want {
			t.Errorf("ChallengeMark(%+v, %v) = %q, want %q", tc.r, tc.ok, got, tc.want)
		}
	}
}
