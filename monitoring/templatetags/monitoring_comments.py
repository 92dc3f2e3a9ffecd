"""The comment thread of a measure, for `monitoring/comments_thread.html` (part of the comments feature)."""

from django import template

from accounts import access
from monitoring.models import Comment
from monitoring.selectors import measure_comments

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_thread(context, measure) -> dict:
    """The comments this user may read on the measure, as a tree, and what the user may do."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    internal = access.can_view_internal(user)
    comments = list(measure_comments(measure=measure, internal=internal, user=user))
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.thread_replies if parent else roots).append(comment)
    return {
        "roots": roots,
        "count": len(comments),
        "can_comment": access.can_comment(user),
        "can_moderate": access.can_moderate(user),
        "internal": internal,
        "pending": Comment.objects.filter(
            measure=measure, moderation=Comment.Moderation.PENDING
        ).count()
        if access.can_moderate(user)
        else 0,
        "visibilities": Comment.Visibility.choices,
    }
