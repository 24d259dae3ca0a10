"""Every Slack id the app binds or renders, defined once (manifest.yml must agree)."""

GOAL_COMMAND = "/goal"

# Summary card (goal conversation)
ACTION_CONFIRM = "goal_confirm"
ACTION_EDIT = "goal_edit"
ACTION_CANCEL = "goal_cancel"
ACTION_CHOICE = "goal_choice"

# Check-in message buttons
ACTION_CHECKIN_UPDATE = "checkin_update"
ACTION_CHECKIN_ON_TRACK = "checkin_on_track"
ACTION_CHECKIN_AT_RISK = "checkin_at_risk"
ACTION_CHECKIN_BLOCKED = "checkin_blocked"
ACTION_CHECKIN_SKIP = "checkin_skip"
ACTION_CHECKIN_PICK = "checkin_pick"  # one of the readings offered when a reply was ambiguous
BLOCK_CHECKIN_ACTIONS = "checkin_actions"
BLOCK_CHECKIN_PICK = "checkin_pick_actions"

# Review at deadline / quarter end
ACTION_REVIEW_ACHIEVED = "review_achieved"
ACTION_REVIEW_MISSED = "review_missed"
ACTION_REVIEW_EXTEND = "review_extend"
ACTION_REVIEW_ADJUST = "review_adjust"

# App Home
ACTION_HOME_NEW_GOAL = "home_new_goal"
ACTION_HOME_CHECKIN = "home_checkin"
ACTION_HOME_EDIT = "home_edit"

# Modals
VIEW_CHECKIN = "checkin_modal"
VIEW_EDIT_GOAL = "edit_goal_modal"
BLOCK_CHECKIN_VALUE = "checkin_value"
BLOCK_CHECKIN_NOTE = "checkin_note"
INPUT_CHECKIN_VALUE = "checkin_value_input"
INPUT_CHECKIN_NOTE = "checkin_note_input"
BLOCK_EDIT_FIELD = "edit_field"
BLOCK_EDIT_VALUE = "edit_value"
BLOCK_EDIT_REASON = "edit_reason"
INPUT_EDIT_FIELD = "edit_field_input"
INPUT_EDIT_VALUE = "edit_value_input"
INPUT_EDIT_REASON = "edit_reason_input"

# Adjusting goals (edit modal fields beyond the reason; the extend modal reuses it with the deadline only)
ACTION_GOAL_EDIT = "goal_edit_open"
BLOCK_EDIT_TARGET = "edit_target"
BLOCK_EDIT_DEADLINE = "edit_deadline"
BLOCK_EDIT_METRIC = "edit_metric"
BLOCK_EDIT_UNIT = "edit_unit"
BLOCK_EDIT_BASELINE = "edit_baseline"
BLOCK_EDIT_DIRECTION = "edit_direction"
INPUT_EDIT_TARGET = "edit_target_input"
INPUT_EDIT_DEADLINE = "edit_deadline_input"
INPUT_EDIT_METRIC = "edit_metric_input"
INPUT_EDIT_UNIT = "edit_unit_input"
INPUT_EDIT_BASELINE = "edit_baseline_input"
INPUT_EDIT_DIRECTION = "edit_direction_input"

# After an edit rewrote the number in a goal's title: keep the owner's original words instead (value "goal:revision")
ACTION_TITLE_KEEP = "goal_title_keep"

# Undo / Correct on a recorded reading (the button's value is the reading's id)
ACTION_READING_UNDO = "reading_undo"
ACTION_READING_CORRECT = "reading_correct"
BLOCK_READING_ACTIONS = "reading_actions"
VIEW_READING_CORRECT = "reading_correct_modal"
BLOCK_READING_VALUE = "reading_value"
INPUT_READING_VALUE = "reading_value_input"

# Relevant step of the goal conversation: one button per company objective, and "something else" (typed)
ACTION_OBJECTIVE = "goal_objective"
ACTION_OBJECTIVE_OTHER = "goal_objective_other"
# Measurable step: a direction against the metric ("increase churn") asks which way is meant, a button per way
ACTION_DIRECTION = "goal_direction"
ACTION_RATE = "goal_rate"  # "8 meetings a week": track the total they add up to
# The same question for a typed edit's new direction (`/goal edit 3 direction increase`): value {goal, way, reason}
ACTION_EDIT_DIRECTION = "goal_edit_direction"
# ... and for a manager's proposal (`/goal for @anna increase churn …`): value {owner, way, text}
ACTION_PROPOSE_DIRECTION = "goal_propose_direction"

# The manager's week: Comment on a report's check-in (a button per report line, a menu for the rest), its modal
ACTION_WEEK_COMMENT = "week_comment"
ACTION_WEEK_COMMENT_PICK = "week_comment_pick"

# The DM telling someone who their manager in goalbot now is: "Not my manager" (the button's value is that manager)
ACTION_TEAM_DECLINE = "team_decline"
VIEW_COMMENT = "comment_modal"
BLOCK_COMMENT_GOAL = "comment_goal"
INPUT_COMMENT_GOAL = "comment_goal_input"
BLOCK_COMMENT_TEXT = "comment_text"
INPUT_COMMENT_TEXT = "comment_text_input"


def is_dm_channel(channel_id: str | None) -> bool:
    """Slack's direct-message conversations have ids starting with D (channels C, private groups G)."""
    return bool(channel_id) and str(channel_id).startswith("D")
