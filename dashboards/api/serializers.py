"""The dashboard as JSON: the same selector as the page, machine formats."""

from rest_framework import serializers

from applications.choices import ApplicationStatus


class PipelineRowSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class AmountRowSerializer(serializers.Serializer):
    obligated = serializers.DecimalField(max_digits=16, decimal_places=2)
    awards = serializers.IntegerField()


class MineralRowSerializer(AmountRowSerializer):
    mineral = serializers.IntegerField()
    name = serializers.CharField()


class StateRowSerializer(AmountRowSerializer):
    state = serializers.CharField()


class OverdueReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    reviewer = serializers.CharField(source="reviewer.username")
    due_at = serializers.DateTimeField()


class OverdueAcceptanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    award_number = serializers.CharField()
    application = serializers.IntegerField(source="application_id")
    acceptance_due_at = serializers.DateTimeField()


class DashboardSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField(source="opportunity.pk")
    applications = serializers.IntegerField()
    requested = serializers.DecimalField(max_digits=17, decimal_places=2,
                                         help_text="Federal amount requested by submitted applications.")
    pipeline = PipelineRowSerializer(many=True)
    budget_ceiling = serializers.DecimalField(source="funds.budget_ceiling", max_digits=16, decimal_places=2)
    obligated = serializers.DecimalField(source="funds.obligated", max_digits=16, decimal_places=2)
    available = serializers.DecimalField(source="funds.available", max_digits=16, decimal_places=2)
    by_mineral = MineralRowSerializer(source="funds.by_mineral", many=True)
    by_state = StateRowSerializer(many=True)
    overdue_reviews = OverdueReviewSerializer(many=True)
    overdue_acceptances = OverdueAcceptanceSerializer(many=True)
    generated_at = serializers.DateTimeField()
