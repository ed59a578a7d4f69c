"""Discussion on the draft: comment threads on a task or a cell, with @mentions, resolved and reopened."""
