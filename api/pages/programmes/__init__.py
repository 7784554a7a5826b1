"""Programme pages, written in three modules and served by one router: the create and
edit forms (`editing`), the list, the programme's dashboard, its workshops' pages,
closing and history (`dashboard`), a workshop's check-in sheet (`check_ins`) and the page
that enrols many initiatives at once (`enrolment`).

The router holds the modules' routes themselves, in this order: the forms come first,
since /programmes/new is theirs and not a programme's id.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.pages.programmes import check_ins, dashboard, editing, enrolment

router = APIRouter()
for part in (editing, dashboard, check_ins, enrolment):
    router.routes.extend(part.router.routes)
