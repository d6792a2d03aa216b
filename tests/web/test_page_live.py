"""The participant page in headless Chromium against the real server: the crowd, drops, reloads, restarts, markup."""

from __future__ import annotations

from dataclasses import replace

import pytest
from playwright.async_api import WebSocketRoute, expect

from host.core.session import Guest
from tests.conftest import add_session, make_spec
from tests.web.conftest import People, join, post, post_by, restart_server, stored_messages
from tests.web.scenes import live_session

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_two_participants_and_a_viewer_answer_like_reply_and_report(people: People) -> None:
    """Answers reach every context, a like is counted for all, a reply threads under its parent, a report goes out."""
    await live_session(people.harness)
    ana, bob, viewer = await people.page(), await people.page(), await people.page()
    await join(ana, "ana")
    await join(bob, "bob")
    await expect(viewer.locator("#you")).to_have_text("You are reading along as a viewer.")
    await expect(viewer.locator("#compose")).to_be_hidden()

    await post(ana, "A1: people who show up for each other")
    await post(bob, "A1: a shared purpose")
    for page in (ana, bob, viewer):
        await expect(post_by(page, "ana", "A1: people who show up for each other")).to_have_count(1)
        await expect(post_by(page, "bob", "A1: a shared purpose").locator(".tag")).to_have_text("A1")

    await post_by(bob, "ana", "A1: people who show up").get_by_role("button", name="Like").click()
    await expect(post_by(bob, "ana", "A1: people who show up").locator(".like")).to_have_attribute("aria-pressed", "true")
    await expect(post_by(ana, "ana", "A1: people who show up").locator(".like")).to_have_text("♥ 1")
    await expect(post_by(viewer, "ana", "A1: people who show up").locator(".like-count")).to_have_text("♥ 1")

    await post_by(ana, "bob", "A1: a shared purpose").get_by_role("button", name="Reply to bob").click()
    await expect(ana.locator("#reply-to-text")).to_have_text("Replying to bob: “A1: a shared purpose”")
    await post(ana, "Yes, and one worth saying out loud")
    for page in (ana, bob, viewer):
        reply = post_by(page, "bob", "A1: a shared purpose").locator(".replies .post")
        await expect(reply.locator(".body")).to_have_text("Yes, and one worth saying out loud")
        await expect(reply.locator(".author")).to_have_text("ana")

    target = int(await post_by(bob, "ana", "A1: people who show up").get_attribute("data-seq") or 0)
    await post_by(bob, "ana", "A1: people who show up").get_by_role("button", name="Report this post by ana").click()
    await bob.get_by_label("What is wrong with this post?").fill("off topic")
    await bob.get_by_role("button", name="Send report").click()
    # Whatever the server answers (thanks, or its refusal) is shown in its own words.
    await expect(bob.locator(".notice")).to_be_visible()
    reports = [frame for frame in people.sent[bob] if frame["type"] == "report"]
    assert [(f["target"], f["reason"]) for f in reports] == [(target, "off topic")] and reports[0]["cid"]
    bodies = [message["body"] for message in await stored_messages(people.harness.db_path)]
    assert sorted(bodies) == sorted(
        ["A1: people who show up for each other", "A1: a shared purpose", "Yes, and one worth saying out loud"]
    )


async def test_a_question_drop_updates_the_banner_for_everyone(people: People) -> None:
    """When the clock drops Q2, every page's banner shows it and counts down to Q3 on the same clock."""
    await live_session(people.harness)
    ana, viewer = await people.page(), await people.page()
    await join(ana, "ana")
    for page in (ana, viewer):
        await expect(page.locator("#question-banner")).to_have_text("Q1 What makes a community more than an audience?")
        await expect(page.locator("#countdown")).to_have_text("Q2 drops in 1:00")
    await people.advance(60)
    for page in (ana, viewer):
        await expect(page.locator("#question-banner")).to_have_text("Q2 How do you lead people who owe you nothing?")
        await expect(page.locator("#countdown")).to_have_text("Q3 drops in 1:00")
    await expect(ana.locator("#compose-question")).to_have_value("2")
    await post(ana, "an answer to Q2")  # tagged with the current question by default
    await ana.locator("#compose-question").select_option("1")  # or an earlier one, answered late
    await post(ana, "a late answer to Q1")
    await expect(post_by(ana, "ana", "a late answer to Q1").locator(".tag")).to_have_text("A1")
    await expect(post_by(ana, "ana", "an answer to Q2").locator(".tag")).to_have_text("A2")
    # By question, the newest question on top; in time order, the newest post on top.
    await expect(ana.locator("#feed .q-group .q-label")).to_have_text(["Q2", "Q1"])
    await ana.get_by_role("button", name="In time order").click()
    await expect(ana.get_by_role("button", name="In time order")).to_have_attribute("aria-pressed", "true")
    await expect(ana.locator("#feed article.post .body")).to_have_text(["a late answer to Q1", "an answer to Q2"])


async def test_a_reload_keeps_identity_and_history(people: People) -> None:
    """After a reload the page resumes with its token: same handle, no second join, the whole feed back."""
    await live_session(people.harness)
    ana = await people.page()
    await join(ana, "ana")
    await post(ana, "before the reload")
    await expect(post_by(ana, "ana", "before the reload")).to_have_count(1)
    await ana.locator("#compose-body").fill("a draft half typed")
    await ana.reload()
    await expect(ana.locator("#you")).to_have_text("You are ana")
    await expect(ana.locator("#join")).to_be_hidden()
    await expect(post_by(ana, "ana", "before the reload")).to_have_class("post mine")
    await expect(ana.locator("#compose-body")).to_have_value("a draft half typed")
    hellos = [frame for frame in people.sent[ana] if frame["type"] == "hello"]
    assert [h.get("handle") for h in hellos] == [None, "ana", None]  # viewer, join, resume
    assert hellos[-1]["token"] and hellos[-1]["role"] == "participant"


async def test_a_server_restart_while_typing_delivers_the_outbox_once(people: People) -> None:
    """Posts written while the server is down wait in the outbox, go out after the reconnect, and appear once."""
    harness = people.harness
    await live_session(harness)
    ana = await people.page()
    await join(ana, "ana")
    await ana.locator("#compose-body").fill("typed before the outage, ")
    port = harness.server.port
    await harness.server.stop()
    await expect(ana.locator("#connection")).to_contain_text("Connection lost")
    await ana.locator("#compose-body").press_sequentially("sent during it")
    await ana.get_by_role("button", name="Post", exact=True).click()
    await expect(ana.locator("#outbox")).to_contain_text("Waiting to send")
    await expect(ana.locator("#connection")).to_contain_text("Your posts wait here")
    await restart_server(harness)
    assert harness.server.port == port
    await expect(ana.locator("#connection")).to_be_hidden(timeout=15_000)
    await expect(post_by(ana, "ana", "typed before the outage, sent during it")).to_have_count(1)
    await expect(ana.locator("#outbox li")).to_have_count(0)
    bodies = [message["body"] for message in await stored_messages(harness.db_path)]
    assert bodies == ["typed before the outage, sent during it"]


async def test_a_lost_ack_is_answered_by_the_resend_and_nothing_is_doubled(people: People) -> None:
    """The server commits a post but its ack never arrives: the page resends the cid after reconnecting and gets the original ack."""
    await live_session(people.harness)
    connections = 0
    lost: list[str] = []

    async def lose_the_first_ack(page_side: WebSocketRoute) -> None:
        nonlocal connections
        connections += 1
        server_side = page_side.connect_to_server()

        async def to_page(message: str | bytes) -> None:
            if not lost and '"type":"ack"' in str(message):
                lost.append(str(message))  # committed on the server, never seen by the page
                await page_side.close(code=4000, reason="the network dropped")
                await server_side.close()
                return
            page_side.send(message)

        server_side.on_message(to_page)

    context = await people.browser.new_context()
    people.contexts.append(context)
    page = await context.new_page()
    await page.route_web_socket("**/ws/chat", lose_the_first_ack)
    await page.goto(people.harness.server.url + "/s/chat")
    await join(page, "ana")
    await post(page, "said once")
    await expect(page.locator("#outbox li")).to_have_count(0, timeout=15_000)
    await expect(post_by(page, "ana", "said once")).to_have_count(1)
    assert len(lost) == 1 and connections >= 3  # viewer, join, and the reconnect after the loss
    assert [m["body"] for m in await stored_messages(people.harness.db_path)] == ["said once"]


async def test_markup_in_posts_and_names_is_shown_as_text(people: People) -> None:
    """<img onerror> and <script> in posts, the title, the guest's name and a handle stay text; no dialog opens."""
    image, script = "<img src=x onerror=alert(1)>", "<script>alert(2)</script>"
    spec = replace(make_spec(), title=f"Title {script}", guest=Guest(handle="genepetrov", name=image, bio=script))
    await add_session(people.harness.db_path, spec)
    async with people.harness.moderator() as moderator:
        await moderator.mod("start")
    ana, bob = await people.page(), await people.page()
    await join(ana, "ana")
    await post(ana, image)
    await post(ana, script)
    await expect(post_by(bob, "ana", image)).to_have_count(1)
    await expect(post_by(bob, "ana", script)).to_have_count(1)
    await expect(bob.locator("#title")).to_have_text(f"Title {script}")
    await expect(bob.locator(".guest-name span").first).to_have_text(image)
    await bob.get_by_label("Your handle").fill("<img src=x onerror=f()>")  # 23 characters: only the markup is wrong
    await bob.get_by_role("button", name="Accept the ground rules and join").click()
    await expect(bob.locator("#join-error")).to_have_text("A handle may hold letters, digits and - . _ only.")
    for page in (ana, bob):
        assert await page.locator("main img, main script, header img").count() == 0
    assert people.dialogs == []


async def test_posts_coalesced_into_one_batch_frame_all_show_in_order(people: People) -> None:
    """A busy moment's posts, sent by the server as one `batch` frame, each appear once, in the order posted."""
    await restart_server(people.harness, fanout_tick=0.3)  # every burst lands in one window
    await live_session(people.harness)
    page = await people.page()
    await join(page, "ana")
    async with people.harness.participant("bo") as bo:
        for n in range(1, 6):
            await bo.send(type="post", cid=f"b{n}", body=f"A1: burst post {n}")
        await bo.recv_until(lambda frame: frame.get("cid") == "b5")
    bodies = page.locator("article.post > .body")
    await expect(bodies).to_have_text([f"A1: burst post {n}" for n in range(1, 6)])  # a question's thread: as posted
    assert "batch" in people.received[page]



async def test_a_hello_refused_for_a_passing_reason_is_tried_again(people: People) -> None:
    """A `hello_timeout` before the welcome says nothing about the hello: the page reconnects and gets in."""
    await live_session(people.harness)
    connections = 0

    async def time_out_the_first_hello(page_side: WebSocketRoute) -> None:
        nonlocal connections
        connections += 1
        if connections == 1:
            page_side.send('{"type":"error","code":"hello_timeout","message":"No hello arrived in time."}')
            await page_side.close(code=1008, reason="hello_timeout")
            return
        page_side.connect_to_server()

    context = await people.browser.new_context()
    people.contexts.append(context)
    page = await context.new_page()
    await page.route_web_socket("**/ws/chat", time_out_the_first_hello)
    await page.goto(people.harness.server.url + "/s/chat")
    await expect(page.locator("#you")).to_have_text("You are reading along as a viewer.", timeout=15_000)
    assert connections == 2
