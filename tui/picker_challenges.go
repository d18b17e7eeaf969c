package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/list"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
)

// challengeItem is one challenge in the picker, with the learner's
// progress in it (a record under progress.ChallengeID).
type challengeItem struct {
	ch   *scenarios.Challenge
	n    int
	rec  progress.Record
	ok   bool
	kept bool // progress is kept at all
}

func (i challengeItem) Title() string { return i.ch.Title }

// Description is the challenge's number, level and mark in words after a
// symbol (progress.ChallengeMark): never told by colour alone.
func (i challengeItem) Description() string {
	if !i.kept {
		return fmt.Sprintf("%d · %s · %s", i.n, i.ch.Level, i.ch.ID)
	}
	return fmt.Sprintf("%d · %s · %s", i.n, i.ch.Level, progress.ChallengeMark(i.rec, i.ok))
}

// FilterValue is the title, then the id, then the goal: what the
// search reads (lessonFilter's sections).
func (i challengeItem) FilterValue() string {
	return i.ch.Title + "\n" + i.ch.ID + " " + i.ch.Theme + "\n" + i.ch.Goal
}

// itemID is a picker item's id, a lesson's or a challenge's.
func itemID(it list.Item) string {
	switch it := it.(type) {
	case item:
		return it.sc.ID
	case challengeItem:
		return it.ch.ID
	}
	return ""
}

// haveChallenges loads the challenges the first time they are needed, if
// Init's background load has not brought them yet.
func (p *picker) haveChallenges() error {
	if p.challenges != nil || p.loadChallenges == nil {
		return nil
	}
	cs, err := p.loadChallenges()
	if err != nil {
		return err
	}
	p.challenges = cs
	return nil
}

// toggleChallenges lists the challenges instead of the lessons, or back.
func (p *picker) toggleChallenges() {
	p.showChallenges = !p.showChallenges
	p.list.ResetFilter()
	p.refresh()
	p.list.Select(0)
}

// refreshChallenges lists the challenges, each marked with the learner's
// progress, and counts the solved ones in the title.
func (p *picker) refreshChallenges() {
	items := make([]list.Item, len(p.challenges))
	solved := 0
	for i, ch := range p.challenges {
		it := challengeItem{ch: ch, n: i + 1, kept: p.store != nil}
		if p.store != nil {
			it.rec, it.ok = p.store.Load(progress.ChallengeID(ch.ID))
		}
		if it.ok && it.rec.Done {
			solved++
		}
		items[i] = it
	}
	if cmd := p.list.SetItems(items); cmd != nil {
		p.list, _ = p.list.Update(cmd())
	}
	p.list.SetStatusBarItemName("challenge", "challenges")
	p.sized = false // the next SetSize measures the new title
	p.list.Title = "tokensim — pick a challenge"
	if p.store != nil {
		p.list.Title += fmt.Sprintf(" · %d of %d solved", solved, len(p.challenges))
	}
}

// solved counts the challenges the learner has solved, for the lessons'
// title: the course's progress counts them beside the lessons.
func (p *picker) solved() int {
	n := 0
	for _, ch := range p.challenges {
		if r, ok := p.store.Load(progress.ChallengeID(ch.ID)); ok && r.Done {
			n++
		}
	}
	return n
}

// selectedChallenge is the challenge selected, or nil when the lessons
// are listed.
func (p *picker) selectedChallenge() *scenarios.Challenge {
	if it, ok := p.list.SelectedItem().(challengeItem); ok {
		return it.ch
	}
	return nil
}

// challengePreview is the selected challenge's goal, facts and mark.
func (p *picker) challengePreview(it challengeItem) string {
	ch := it.ch
	width := p.w - 4
	if p.w >= 100 {
		width = p.w/2 - 4
	}
	var b strings.Builder
	b.WriteString(p.st.Title.Render(iconChallenge+" "+ch.Title) + "\n")
	facts := fmt.Sprintf("%s · %s · par %d action(s), %s", ch.Theme, ch.Level, ch.Par.Actions, virtual(ch.Par.Virtual))
	if !p.noCommand {
		facts += " · tokensim play --challenge " + ch.ID
	}
	b.WriteString(p.st.Subtle.Render(wrap(facts, width)) + "\n")
	if p.store != nil {
		b.WriteString(progress.ChallengeMark(it.rec, it.ok) + "\n")
	}
	b.WriteString("\n" + wrap("Goal: "+oneLine(ch.Goal), width) + "\n\n")
	b.WriteString(wrap("You may: "+strings.Join(ch.Actions, ", "), width) + "\n")
	if len(ch.Knobs) > 0 {
		b.WriteString(wrap("Knobs: "+strings.Join(ch.Knobs, ", "), width) + "\n")
	}
	return b.String()
}
