package lessons

import (
	"slices"
	"time"
)

// Quarter is the participant feedback of one calendar quarter (UTC).
type Quarter struct {
	Year    int `json:"year"`
	Quarter int `json:"quarter"`
	// Count is the number of answers; Mean their mean rating; Ratings
	// how many gave each rating (Ratings[0] counts rating 1).
	Count   int     `json:"count"`
	Mean    float64 `json:"mean"`
	Ratings [5]int  `json:"ratings"`
	// Comments are the answers' comments in time order.
	Comments []string `json:"comments,omitempty"`
}

// FeedbackByQuarter aggregates the feedback of the reviews per calendar
// quarter of the answer's time (UTC), oldest quarter first. Ratings
// outside 1 to 5 are ignored.
func FeedbackByQuarter(reviews []Review) []Quarter {
	var all []Feedback
	for _, r := range reviews {
		all = append(all, r.Feedback...)
	}
	slices.SortStableFunc(all, func(a, b Feedback) int { return a.At.Compare(b.At) })
	var out []Quarter
	for _, f := range all {
		if f.Rating < 1 || f.Rating > 5 {
			continue
		}
		y, q := quarterOf(f.At)
		if len(out) == 0 || out[len(out)-1].Year != y || out[len(out)-1].Quarter != q {
			out = append(out, Quarter{Year: y, Quarter: q})
		}
		cur := &out[len(out)-1]
		cur.Mean = (cur.Mean*float64(cur.Count) + float64(f.Rating)) / float64(cur.Count+1)
		cur.Count++
		cur.Ratings[f.Rating-1]++
		if f.Comment != "" {
			cur.Comments = append(cur.Comments, f.Comment)
		}
	}
	return out
}

func quarterOf(t time.Time) (int, int) {
	t = t.UTC()
	return t.Year(), (int(t.Month())-1)/3 + 1
}
