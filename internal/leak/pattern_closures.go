// Pattern closure: closures of one function kept by something that is not
// an emitter, a timer or a collection.

package leak

import (
	"fmt"
)

// closureHint is the fix for a PatternClosure suspect; per is its count range.
func closureHint(s *Suspect, per string) string {
	return fmt.Sprintf("closures of the same function accumulate%s: unregister callbacks when they are no longer needed, and avoid capturing large objects in long-lived closures", per)
}
