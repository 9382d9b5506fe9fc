"""The operators' admin draws a definition with the same bpmn-js viewer as the inbox."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import run_jobs, sign_in, start_purchase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_definition_page_draws_the_diagram_with_the_waiting_step_marked(
    live_server: Any, page: Any, make_user: Any, people: Any, deployed: Any, screenshot: Any
) -> None:
    definition = deployed("purchase_request")
    make_user("root", superuser=True)
    base = live_server.url
    sign_in(page, base, "alice")
    start_purchase(page, base, amount=400, key="PR-ADMIN")
    run_jobs()
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("root-pw")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/admin/bpmn_engine/processdefinition/{definition.pk}/change/")
    figure = page.locator("figure[data-bpmn-diagram]")
    expect(figure).to_have_attribute("data-state", "ready")
    expect(figure.locator("[data-element-id='Task_ManagerApproval'].baton-active")).to_have_count(1)
    expect(figure).to_contain_text("1 element has instances waiting in it")
    screenshot(page, "admin-definition-diagram")
