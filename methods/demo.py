"""The demo region's methodological support: more services, facilitators' training, a supervision request and a
session, a published library story and a knowledge base (all invented)."""

import datetime

from django.contrib.auth.hashers import make_password

from accounts.models import Agency, Membership, Role, Territory, User
from cases.models import Case, CaseStatus

from . import actions, summaries
from .models import FacilitatorProfile, FacilitatorStatus, KnowledgeCategory, SupervisionSession, TrainingRecord

# login, hours, status — the main service's facilitators (the trainee is in demo/region.ACCOUNTS as «stazher»).
TRAINING = {
    "vedushchiy": (FacilitatorStatus.TRAINER, [("Базовый курс ведущего восстановительных программ", 72, "2023-03-20"),
                                               ("Семейные восстановительные встречи", 36, "2024-10-11")]),
    "vedushchiy2": (FacilitatorStatus.FACILITATOR, [("Базовый курс ведущего восстановительных программ", 72,
                                                     "2024-05-17"),
                                                    ("Работа с конфликтами в школе", 16, "2025-02-07")]),
    "stazher": (FacilitatorStatus.TRAINEE, [("Введение в восстановительный подход", 24, "2026-09-25")]),
}
PROVIDER = "Всероссийская ассоциация восстановительной медиации"

OTHER_SERVICES = [
    ("ШСП СОШ № 7 г. Вязьма", "Школьная служба примирения МБОУ СОШ № 7 г. Вязьмы", "Вяземский",
     [("Голубева", "Наталья", "Сергеевна", Role.COORDINATOR), ("Титов", "Андрей", "Павлович", Role.FACILITATOR),
      ("Рябова", "Ксения", "Игоревна", Role.FACILITATOR)]),
    ("СП СРЦН «Радуга»", "Служба примирения СРЦН «Радуга» (Рославль)", "Рославльский",
     [("Мельникова", "Светлана", "Викторовна", Role.COORDINATOR), ("Носов", "Игорь", "Олегович", Role.FACILITATOR)]),
]

KNOWLEDGE = {
    "Нормативные документы": [
        ("Порядок взаимодействия службы примирения с КДН и ЗП",
         "Комиссия направляет в службу примирения материалы о семьях и несовершеннолетних, в отношении которых "
         "возможно проведение восстановительной программы. Служба сообщает о принятом решении в течение десяти "
         "рабочих дней и направляет информацию о результатах программы. Сведения о содержании встреч и "
         "высказываниях участников конфиденциальны и в комиссию не передаются."),
    ],
    "Методические рекомендации": [
        ("Рекомендации по проведению семейной восстановительной встречи",
         "Семейная восстановительная встреча (семейная конференция) проводится, когда семья и её окружение могут "
         "сами составить план безопасности и заботы о ребёнке. Ведущий готовит встречу: выясняет круг значимых "
         "взрослых, обсуждает с органом опеки обязательные требования к плану, договаривается о том, как будет "
         "услышан голос ребёнка. Во время «времени семьи» специалисты выходят, и семья работает над планом сама."),
        ("Оценка безопасности перед совместной встречей",
         "Совместная встреча не проводится при продолжающемся насилии, угрозе жизни и здоровью ребёнка, сексуальном "
         "насилии и при отсутствии признания вреда. В этих случаях ведущий сообщает куратору, а служба направляет "
         "сообщение в орган опеки, полицию и комиссию. Повторная оценка назначается через месяц."),
    ],
    "Формы документов": [
        ("Согласие законного представителя на участие ребёнка в программе",
         "Я, законный представитель несовершеннолетнего, даю согласие на участие ребёнка в восстановительной "
         "программе, на обработку персональных данных в объёме, необходимом для её проведения, и подтверждаю, что "
         "мне разъяснены добровольность участия и право отозвать согласие."),
    ],
    "Материалы конференций": [
        ("Итоги региональной конференции «Восстановительные практики в работе с семьёй»",
         "На конференции обсуждались опыт территориальных и школьных служб примирения, работа с семьями в "
         "социально опасном положении и подготовка ведущих. Участники предложили проводить интервизию ведущих "
         "ежеквартально и пополнять библиотеку обезличенных случаев."),
    ],
}


def build(users, today):
    """Called by seed_demo after the accounts exist and before cases are assigned."""
    for login, (status, courses) in TRAINING.items():
        user = users[login]
        FacilitatorProfile.objects.create(user=user, status=status)
        for course, hours, day in courses:
            TrainingRecord.objects.create(user=user, course=course, hours=hours, provider=PROVIDER,
                                          certificate_number=f"ВАВМ-{day[:4]}-{user.pk:04d}{hours}",
                                          completed_on=datetime.date.fromisoformat(day), recorded_by=users["metodist"])
    for short, name, territory, staff in OTHER_SERVICES:
        service = Agency.objects.create(kind=Agency.Kind.RECONCILIATION_SERVICE, short_name=short, name=name,
                                        territory=Territory.objects.get(name=territory))
        for i, (surname, first, patronymic, role) in enumerate(staff):
            user = User.objects.create(username=f"{short[:3].lower()}-{i}-{service.pk}", last_name=surname,
                                       first_name=first, patronymic=patronymic, password=make_password(None))
            Membership.objects.create(user=user, agency=service, role=role)
            if role == Role.FACILITATOR:
                FacilitatorProfile.objects.create(user=user, status=FacilitatorStatus.FACILITATOR)
                TrainingRecord.objects.create(user=user, course="Базовый курс ведущего восстановительных программ",
                                              hours=72, provider=PROVIDER, completed_on=today.replace(month=1, day=20),
                                              recorded_by=users["metodist"])
    methodologist = users["metodist"]
    for order, (category, documents) in enumerate(KNOWLEDGE.items()):
        category = KnowledgeCategory.objects.create(name=category, order=order)
        for title, body in documents:
            actions.save_document(actor=methodologist, category=category, title=title, body=body,
                                  note="Первая редакция")


def narrative(case):
    """A facilitator's account of a case, with the family's real (invented) names, for the demo's supervision."""
    persons = {rp.role: rp.person for rp in case.referral.persons.select_related("person")}
    child, parent = persons.get("child"), persons.get("parent")
    if not child or not parent or child.name == parent.name:
        return None
    she = parent.sex == "f"
    girl = child.sex == "f"
    return (f"{parent.name} {parent.patronymic} {parent.surname} {'обратилась' if she else 'обратился'} после "
            f"заседания комиссии. По {'её' if she else 'его'} словам, {child.name} "
            f"{'перестала' if girl else 'перестал'} слушаться после развода родителей, уходит из дома и не отвечает "
            f"на звонки. На предварительной встрече {child.name} {'сказала' if girl else 'сказал'}, что боится, "
            f"что {parent.name} {parent.patronymic} снова будет кричать. "
            f"Живут по адресу: {parent.address or 'г. Смоленск, ул. Ленина, д. 3, кв. 14'}, "
            f"телефон {parent.phone or '+7 910 123-45-67'}. Классный руководитель, Ирина Павловна Кудрявцева, "
            f"готова прийти на встречу.")


def supervision_and_library(users, today):
    """After the cases: one request discussed at a session, one waiting, and a published library story."""
    facilitator = users["vedushchiy"]
    told = [(c, text) for c in Case.objects.filter(facilitators=facilitator, program__isnull=False)
            .exclude(status=CaseStatus.REGISTERED).order_by("-opened_on")[:30] if (text := narrative(c))][:3]
    if len(told) < 3:
        return
    sent = []
    for (case, text), question in ((told[0], "Как подготовить подростка к встрече с матерью, если он "
                                             "отказывается говорить при ней?"),
                                   (told[1], "Стоит ли приглашать на семейную встречу отца, который живёт "
                                             "отдельно?")):
        summary = summaries.draft(case, text).text
        sent.append(actions.save_request(case, actor=facilitator, question=question, summary=summary, send=True))
    actions.record_session(
        actor=users["metodist"], kind=SupervisionSession.Kind.SUPERVISION,
        held_on=today - datetime.timedelta(days=3), participants=[facilitator], requests=sent[:1],
        recommendations="Провести с сыном отдельную предварительную встречу; предложить ему написать письмо "
                        "матери, которое ведущий зачитает на общей встрече. Договориться о паузе, если "
                        "разговор станет напряжённым.")
    story_case, text = told[2]
    story = actions.propose_story(
        story_case, actor=facilitator, title="Подросток уходит из дома: восстановительная медиация",
        story=summaries.draft(story_case, text).text,
        lessons="Отдельные встречи с подростком до общей встречи помогли ему говорить за себя.",
        outcome="agreement", consent=True)
    actions.approve_story(story, actor=users["koordinator"])
    actions.publish_story(story, actor=users["metodist"])
