"""Threaded comments on a measure: who reads which, replies, moderation by the task force."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from monitoring.models import Comment
from monitoring.tests.factories_io import MEASURE_A, CommentFactory, _english, _reference, _users  # noqa: F401
from plan.models import Measure

pytestmark = pytest.mark.django_db


def thread_html(user) -> str:
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    measure = Measure.objects.get(code=MEASURE_A)
    return render_to_string(
        "monitoring/comments_thread.html",
        {"measure": measure, "user": request.user},
        request=request,
    )


@pytest.fixture
def thread(users):
    steering, commission = users["steering"], users["commission"]
    public = CommentFactory(author=steering, body="Public and approved")
    internal = CommentFactory(
        author=commission, body="Internal and approved", visibility=Comment.Visibility.INTERNAL
    )
    CommentFactory(author=commission, body="Reply to public", parent=public)
    CommentFactory(
        author=steering,
        body="Reply to internal",
        parent=internal,
        visibility=Comment.Visibility.INTERNAL,
    )
    CommentFactory(author=commission, body="Waiting", moderation=Comment.Moderation.PENDING)
    CommentFactory(author=commission, body="Refused", moderation=Comment.Moderation.REJECTED)
    return public, internal


@pytest.mark.parametrize(
    "role, sees_internal, can_write",
    [
        ("anonymous", False, False),
        ("coordinator_a", False, False),
        ("steering", True, True),
        ("commission", True, True),
        ("taskforce", True, True),
    ],
)
def test_thread_shows_each_role_what_it_may_read(users, thread, role, sees_internal, can_write):
    html = thread_html(users[role])
    assert "Public and approved" in html and "Reply to public" in html
    assert ("Internal and approved" in html) == sees_internal
    assert ("Reply to internal" in html) == sees_internal
    # Pending comments are seen by their author only (commission here); rejected ones never by others.
    assert ("Waiting" in html) == (role == "commission")
    assert "Refused" not in html or role == "commission"
    assert (reverse("monitoring:comment_add", args=[MEASURE_A]) in html) == can_write


def test_replies_are_nested_under_their_parent(users, thread):
    html = thread_html(users["steering"])
    public_at = html.index("Public and approved")
    assert public_at < html.index("Reply to public")
    assert html.index('class="comment-list comment-replies"', public_at) < html.index(
        "Reply to public"
    )


def test_comment_from_commission_awaits_moderation_then_appears_publicly(client, users):
    client.force_login(users["commission"])
    response = client.post(
        reverse("monitoring:comment_add", args=[MEASURE_A]),
        {"body": "Goed idee", "visibility": "public"},
    )
    comment = Comment.objects.get(body="Goed idee")
    assert response.status_code == 302 and comment.moderation == Comment.Moderation.PENDING
    assert "Goed idee" not in thread_html(None)
    assert "Awaiting moderation" in thread_html(users["commission"])
    client.force_login(users["taskforce"])
    queue = client.get(reverse("monitoring:moderation"))
    assert "Goed idee" in queue.content.decode()
    assert (
        client.get(reverse("monitoring:moderation"), {"format": "csv"})
        .content.decode("utf-8-sig")
        .count("Goed idee")
        == 1
    )
    client.post(reverse("monitoring:comment_moderate", args=[comment.pk]), {"decision": "approve"})
    comment.refresh_from_db()
    assert (
        comment.moderation == Comment.Moderation.APPROVED
        and comment.moderated_by == users["taskforce"]
    )
    assert "Goed idee" in thread_html(None)
    assert "Goed idee" not in client.get(reverse("monitoring:moderation")).content.decode()


def test_rejected_comment_is_not_shown_and_bad_decision_is_refused(client, users):
    comment = CommentFactory(
        author=users["steering"], moderation=Comment.Moderation.PENDING, body="Off topic"
    )
    client.force_login(users["taskforce"])
    assert (
        client.post(
            reverse("monitoring:comment_moderate", args=[comment.pk]), {"decision": "maybe"}
        ).status_code
        == 400
    )
    client.post(reverse("monitoring:comment_moderate", args=[comment.pk]), {"decision": "reject"})
    comment.refresh_from_db()
    assert comment.moderation == Comment.Moderation.REJECTED
    assert "Off topic" not in thread_html(users["commission"])


def test_task_force_comments_need_no_moderation(client, users):
    client.force_login(users["taskforce"])
    client.post(
        reverse("monitoring:comment_add", args=[MEASURE_A]),
        {"body": "From the task force", "visibility": "internal"},
    )
    assert Comment.objects.get(body="From the task force").moderation == Comment.Moderation.APPROVED


def test_reply_to_internal_comment_stays_internal(client, users, thread):
    _public, internal = thread
    client.force_login(users["steering"])
    client.post(
        reverse("monitoring:comment_reply", args=[internal.pk]),
        {"body": "Sneaky public reply", "visibility": "public"},
    )
    assert Comment.objects.get(body="Sneaky public reply").visibility == Comment.Visibility.INTERNAL


def test_cannot_reply_to_a_comment_one_cannot_read(client, users):
    hidden = CommentFactory(author=users["steering"], moderation=Comment.Moderation.REJECTED)
    client.force_login(users["commission"])
    assert (
        client.post(
            reverse("monitoring:comment_reply", args=[hidden.pk]),
            {"body": "x", "visibility": "internal"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("monitoring:comment_reply", args=[99999]),
            {"body": "x", "visibility": "internal"},
        ).status_code
        == 404
    )


def test_empty_or_invalid_comment_shows_the_form_with_errors(client, users):
    client.force_login(users["steering"])
    response = client.post(
        reverse("monitoring:comment_add", args=[MEASURE_A]), {"body": "  ", "visibility": "secret"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html and "Select a valid choice" in html
    assert not Comment.objects.exists()
    assert client.get(reverse("monitoring:comment_add", args=[MEASURE_A])).status_code == 405
    assert (
        client.post(
            reverse("monitoring:comment_add", args=["Z.99"]), {"body": "x", "visibility": "public"}
        ).status_code
        == 404
    )


def test_comment_bodies_are_escaped(users):
    CommentFactory(author=users["steering"], body="<script>alert(1)</script>")
    html = thread_html(None)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
