package bot

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestModelErrorKindLabelsErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("answer: %w", kindedError{kind: "empty", msg: "empty reply"}), "empty"},
		{kindedError{kind: "Down"}, "down"},
		{kindedError{kind: "http 5xx"}, "http_5xx"},
		{kindedError{kind: `"}{evil`}, "evil"},
		{kindedError{kind: "!!!"}, "other"},
		{kindedError{kind: "a-very-long-kind-name-that-goes-on-and-on-and-on"}, "a_very_long_kind_name_that_goes_"},
		{fmt.Errorf("chat: %w", context.DeadlineExceeded), "timeout"},
		{errors.New("something else"), "error"},
	}
	for _, c := range cases {
		if got := modelErrorKind(c.err); got != c.want {
			t.Errorf("modelErrorKind(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
